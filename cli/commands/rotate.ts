import {
  backendFor,
  backendForWrapped,
  parseKmsList,
  rotateDocument,
  splitKeyList,
  type KeySpec,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { callOptions, keyDeps } from "../key-deps.js"
import { openersFor } from "../key-backends.js"
import type { SealFlags } from "../options.js"
import { loadTarget, writeResult } from "../target.js"
import { encryptionContext } from "../creation.js"

export interface RotateFlags extends SealFlags {
  addAge?: string
  rmAge?: string
  addKms?: string
  rmKms?: string
  addPgp?: string
  rmPgp?: string
  addHcVaultTransit?: string
  rmHcVaultTransit?: string
}

/** `rotate FILE`: new data key for every value; `--add-*` / `--rm-*` change the master keys. */
export async function runRotate(file: string | undefined, flags: RotateFlags, io: CliIO): Promise<void> {
  const target = await loadTarget(file, flags, io, false)
  const deps = keyDeps(io, flags)
  const add = specs(flags.addAge, flags.addKms, flags.addPgp, flags.addHcVaultTransit, flags)
  const remove = specs(flags.rmAge, flags.rmKms, flags.rmPgp, flags.rmHcVaultTransit, flags)
  const out = await rotateDocument(
    {
      input: target.input,
      source: target.name,
      format: target.inputFormat,
      openers: openersFor(io, flags),
      backendFor: (w) => backendForWrapped(w, deps),
      add: add.map((s) => backendFor(s, deps)),
      // Keys are removed by the id sops compares (ARN, fingerprint, recipient, transit URL).
      remove: remove.map((s) => backendFor(s, deps).keyId),
      call: callOptions(io, flags),
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  await writeResult(target, flags, out, io, false)
}

function specs(
  age: string | undefined,
  kms: string | undefined,
  pgp: string | undefined,
  vault: string | undefined,
  flags: RotateFlags,
): KeySpec[] {
  return [
    ...splitKeyList(age ?? "").map((recipient): KeySpec => ({ kind: "age", recipient })),
    ...parseKmsList(kms ?? "", flags.awsProfile, encryptionContext(flags.encryptionContext)),
    ...splitKeyList(pgp ?? "").map((fingerprint): KeySpec => ({ kind: "pgp", fingerprint })),
    ...splitKeyList(vault ?? "").map((uri): KeySpec => ({ kind: "hc_vault", uri })),
  ]
}
