import { BridgeError, ErrorCode } from "../errors.js"
import { formats } from "../formats/registry.js"
import { parseEnvelope } from "../seal/envelope.js"
import { MacBuilder } from "../seal/mac.js"
import { policyFor } from "../seal/policy.js"
import { decryptDataKey, verifyMac } from "../seal/unseal.js"
import { createDecipheriv } from "node:crypto"
import type { BackendKind, CallOptions, KeyOpener } from "../keys/backend.js"
import type { FormatName } from "../formats/format.js"
import type { ExtractStep } from "./extract.js"
import { loadSealed } from "./load-sealed.js"
import { STREAM_MIN_BYTES } from "./encrypt-binary.js"

const HEAD = /^\{\s*"data":\s*"ENC\[AES256_GCM,data:/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
// Base64 characters per piece: a multiple of 4, so every piece decodes on its own; 64 KiB keeps
// each piece's string and buffers in V8's young generation (see seal-binary.ts).
const PIECE_CHARS = 4 << 14
const PLACEHOLDER = "AAAA"

/** What decryptBinaryFast reads of a DecryptRequest (decrypt-document.ts imports this module). */
export interface BinaryDecryptRequest {
  readonly input: Uint8Array
  readonly source: string
  readonly inputFormat: FormatName
  readonly outputFormat: FormatName
  readonly openers: readonly KeyOpener[]
  readonly ignoreMac: boolean
  readonly decryptionOrder?: readonly BackendKind[]
  readonly extract?: readonly ExtractStep[]
  readonly call?: CallOptions
  /** The caller hands `input` over: the plaintext is written over its bytes. */
  readonly consumeInput?: boolean
}

/**
 * `decrypt` of a sealed binary file (binary in and out, no --extract) of at least `minBytes`,
 * without the document tree: the sealed value's base64 is decoded and deciphered piece by piece
 * straight from the input, and only the JSON around it is parsed. With `consumeInput` the
 * plaintext is written over the input's own bytes (each piece lands behind the part still to
 * be read), so peak memory is about the sealed file's size. The GCM tag, then the MAC, are
 * verified before anything is returned, as on the tree path. null when the file is not laid out
 * as a sealed binary file (the caller then uses the tree path, which reports every error).
 * @throws NoKeyError, BridgeError DECRYPT | MAC_MISMATCH (as decryptDocument)
 */
export async function decryptBinaryFast(
  req: BinaryDecryptRequest,
  minBytes = STREAM_MIN_BYTES,
): Promise<Uint8Array | null> {
  const { input } = req
  if (req.inputFormat !== "binary" || req.outputFormat !== "binary" || input.length < minBytes) return null
  if (req.extract !== undefined && req.extract.length > 0) return null
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const head = HEAD.exec(buf.subarray(0, 256).toString("latin1"))
  if (head === null) return null
  const start = head[0].length
  const end = buf.indexOf(",iv:", start)
  if (end === -1 || (end - start) % 4 !== 0) return null
  const frame = Buffer.concat([buf.subarray(0, start), Buffer.from(PLACEHOLDER), buf.subarray(end)])
  let loaded: ReturnType<typeof loadSealed>
  try {
    loaded = loadSealed(formats.binary, frame, req.source, "")
  } catch {
    return null // the tree path reports it, in its words
  }
  const { sealed, metadata } = loaded
  const items = sealed.branches.length === 1 ? sealed.branches[0]?.items : undefined
  const only = items?.length === 1 ? items[0] : undefined
  if (only?.kind !== "entry" || only.key !== "data" || only.value.kind !== "scalar") return null
  const value = only.value.value
  if (value.kind !== "string" || !value.value.startsWith(`ENC[AES256_GCM,data:${PLACEHOLDER},`)) return null
  const env = parseEnvelope(value.value)
  if (env === null || env.type !== "str" || env.iv.length === 0) return null
  if (!policyFor(metadata.rule).shouldSeal(["data"], [[]], false)) return null
  for (let at = start; at < end; at += PIECE_CHARS) {
    const piece = buf.toString("latin1", at, Math.min(at + PIECE_CHARS, end))
    const last = at + PIECE_CHARS >= end
    if (!BASE64.test(piece) || (!last && piece.includes("="))) return null
  }
  const dataKey = await decryptDataKey(metadata, req.openers, {
    source: req.source,
    ...req.call,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  try {
    const out = req.consumeInput === true ? buf : Buffer.allocUnsafe(((end - start) / 4) * 3)
    let written = 0
    const decipher = createDecipheriv("aes-256-gcm", dataKey, env.iv)
    decipher.setAAD(Buffer.from("data:", "utf8"))
    decipher.setAuthTag(env.tag)
    for (let at = start; at < end; at += PIECE_CHARS) {
      const sealedPiece = Buffer.from(buf.toString("latin1", at, Math.min(at + PIECE_CHARS, end)), "base64")
      written += decipher.update(sealedPiece).copy(out, written)
    }
    try {
      decipher.final()
    } catch (err) {
      throw new BridgeError(
        ErrorCode.Decrypt,
        `${req.source}: data: cannot be decrypted (tampered, or moved from another key)`,
        { cause: err, hint: "restore the file from version control; never edit ENC[...] values by hand" },
      )
    }
    const plain = out.subarray(0, written)
    if (!req.ignoreMac) {
      const mac = new MacBuilder(metadata.macOnlyEncrypted)
      mac.add(plain)
      verifyMac(metadata, dataKey, mac.digestHex(), req.source)
    }
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength)
  } finally {
    dataKey.fill(0)
  }
}
