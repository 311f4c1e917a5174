import {
  BridgeError,
  decryptDocument,
  decryptStreamed,
  ErrorCode,
  parseExtractPath,
  type BackendKind,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import { callOptions } from "../key-deps.js"
import type { SealFlags } from "../options.js"
import { extractInPieces } from "../extract-pieces.js"
import { decryptInPieces } from "../open-pieces.js"
import { loadTarget, resolveTarget, writeResult } from "../target.js"
import { emitOptions } from "./emit-options.js"

const KEY_TYPES = new Set<string>(["age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms"])

export async function runDecrypt(file: string | undefined, flags: SealFlags, io: CliIO): Promise<void> {
  const extract = flags.extract === undefined ? undefined : parseExtractPath(flags.extract)
  const order = decryptionOrder(flags.decryptionOrder ?? io.env["SOPS_DECRYPTION_ORDER"])
  const resolved = resolveTarget(file, flags, false)
  const request = () => ({
    source: resolved.name,
    inputFormat: resolved.inputFormat,
    outputFormat: resolved.outputFormat,
    openers: openersFor(io, flags),
    ignoreMac: flags.ignoreMac === true,
    ...(order === undefined ? {} : { decryptionOrder: order }),
    ...(extract === undefined ? {} : { extract }),
    emit: emitOptions(flags),
    call: callOptions(io, flags),
  })
  // A large sealed YAML/JSON file is read and opened in pieces (--extract: only its part is kept).
  if (await extractInPieces(resolved, flags, io, request)) return
  if (await decryptInPieces(resolved, flags, io, request)) return
  const target = await loadTarget(file, flags, io, false)
  // The input is not needed afterwards: a large binary file is decrypted over its own bytes.
  const req = { ...request(), input: target.input, consumeInput: true }
  // A large YAML/JSON file from stdin is opened in one pass (the plaintext in pieces, after the MAC check).
  const plain = (await decryptStreamed(req)) ?? (await decryptDocument(req))
  await writeResult(target, flags, plain, io, true)
}

function decryptionOrder(value: string | undefined): BackendKind[] | undefined {
  if (value === undefined || value.trim() === "") return undefined
  const kinds = value.split(",").map((s) => s.trim())
  for (const k of kinds) {
    if (!KEY_TYPES.has(k))
      throw new BridgeError(ErrorCode.Usage, `--decryption-order: unknown key type ${JSON.stringify(k)}`)
  }
  return kinds as BackendKind[]
}
