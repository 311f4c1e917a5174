import { isUtf8 } from "node:buffer"
import { createCipheriv, createDecipheriv, type KeyObject } from "node:crypto"
import { BridgeError, ErrorCode } from "../errors.js"
import type { Scalar } from "../tree/node.js"
import { formatGoFloat, formatSopsBool, parseGoBool, parseGoFloat, parseGoInt } from "../util/go-text.js"
import { formatEnvelope, type Envelope, ValueType } from "./envelope.js"

const bufferOf = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)

/** AES-256-GCM with sops' 32-byte IV; `aad` binds the value to its tree path. */
export function sealBytes(
  key: Uint8Array | KeyObject,
  plaintext: Uint8Array,
  type: string,
  aad: string,
  iv: Uint8Array,
): string {
  const cipher = createCipheriv("aes-256-gcm", key, iv)
  cipher.setAAD(Buffer.from(aad, "utf8"))
  // GCM is a stream mode: update() returns every byte and final() only computes the tag.
  const data = cipher.update(plaintext)
  cipher.final()
  return formatEnvelope({ data, iv, tag: cipher.getAuthTag(), type })
}

/** @throws Error when the tag does not verify (tampered, wrong key, or moved to another path) */
export function openBytes(key: Uint8Array | KeyObject, env: Envelope, aad: string): Uint8Array {
  const decipher = createDecipheriv("aes-256-gcm", key, env.iv)
  decipher.setAAD(Buffer.from(aad, "utf8"))
  decipher.setAuthTag(env.tag)
  const out = decipher.update(env.data)
  decipher.final()
  return out
}

// Buffer.from(s, "utf8") draws short strings from Node's pool: far cheaper per value than
// TextEncoder.encode on the tens of thousands of leaves of a large file.
const bytesOf = (s: string): Uint8Array => Buffer.from(s, "utf8")

/** The bytes sops seals (and hashes into the MAC) for a scalar, and its type tag. */
export function plaintextOf(value: Scalar): { bytes: Uint8Array; type: ValueType } {
  switch (value.kind) {
    case "string":
      return { bytes: bytesOf(value.value), type: ValueType.Str }
    case "bytes":
      return { bytes: value.value, type: ValueType.Str }
    case "int":
      return { bytes: bytesOf(value.value.toString()), type: ValueType.Int }
    case "float":
      return { bytes: bytesOf(formatGoFloat(value.value)), type: ValueType.Float }
    case "bool":
      return { bytes: bytesOf(formatSopsBool(value.value)), type: ValueType.Bool }
    case "time":
      return { bytes: bytesOf(value.value), type: ValueType.Time }
    case "null":
      return { bytes: new Uint8Array(), type: ValueType.Str }
  }
}

/**
 * The typed scalar for decrypted bytes, with Go's parsing rules (so `+5` typed int reads as 5).
 * @throws BridgeError DECRYPT naming `where` for an unknown type or unparsable text
 */
export function scalarFromPlaintext(bytes: Uint8Array, type: string, where: string): Scalar {
  const text = (): string => new TextDecoder().decode(bytes)
  const bad = (what: string): BridgeError =>
    new BridgeError(ErrorCode.Decrypt, `${where}: decrypted value is not a valid ${what}`)
  switch (type) {
    case ValueType.Str:
    case ValueType.Bytes: {
      // isUtf8 + toString: a strict decode without a TextDecoder call (and throw) per value.
      if (!isUtf8(bytes)) return { kind: "bytes", value: bytes }
      return { kind: "string", value: bufferOf(bytes).toString("utf8") }
    }
    case ValueType.Int: {
      const v = parseGoInt(text())
      if (v === null) throw bad("int")
      return { kind: "int", value: v }
    }
    case ValueType.Float: {
      const v = parseGoFloat(text())
      if (v === null) throw bad("float")
      return { kind: "float", value: v }
    }
    case ValueType.Bool: {
      const v = parseGoBool(text())
      if (v === null) throw bad("bool")
      return { kind: "bool", value: v }
    }
    case ValueType.Time: {
      const t = text()
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t)) throw bad("time")
      return { kind: "time", value: t }
    }
    default:
      throw new BridgeError(ErrorCode.Decrypt, `${where}: unknown sealed value type ${JSON.stringify(type)}`)
  }
}
