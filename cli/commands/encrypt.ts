import { encryptBinaryPieces, encryptDocument, encryptStreamed } from "../../src/index.js"
import { resolveCreationRule } from "../creation.js"
import type { CliIO } from "../io.js"
import { backendsFor } from "../key-backends.js"
import { callOptions } from "../key-deps.js"
import type { SealFlags } from "../options.js"
import { emitOptions } from "./emit-options.js"
import { loadTarget, writeResult } from "../target.js"

export async function runEncrypt(file: string | undefined, flags: SealFlags, io: CliIO): Promise<void> {
  const target = await loadTarget(file, flags, io, true)
  const creation = await resolveCreationRule(flags, io, target.name)
  const req = {
    input: target.input,
    source: target.name,
    inputFormat: target.inputFormat,
    outputFormat: target.outputFormat,
    keyGroups: backendsFor(creation.keyGroups, io, flags),
    shamirThreshold: creation.shamirThreshold,
    rule: creation.rule,
    macOnlyEncrypted: creation.macOnlyEncrypted,
    emit: emitOptions(flags, creation.stores, target.outputFormat),
    call: callOptions(io, flags),
  }
  const deps = { now: () => io.now(), randomBytes: (n: number) => io.randomBytes(n) }
  // A large file's sealed text is written piece by piece as it is made.
  const sealed =
    (await encryptBinaryPieces(req, deps)) ??
    (await encryptStreamed(req, deps)) ??
    (await encryptDocument(req, deps))
  await writeResult(target, flags, sealed, io, false)
}
