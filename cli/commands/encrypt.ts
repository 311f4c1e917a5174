import { encryptDocument } from "../../src/index.js"
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
  const sealed = await encryptDocument(
    {
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
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  await writeResult(target, flags, sealed, io, false)
}
