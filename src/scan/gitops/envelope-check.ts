import { ValueType } from "../../seal/envelope.js"

const TYPES: ReadonlySet<string> = new Set(Object.values(ValueType))
const SHAPE = /^ENC\[AES256_GCM,data:([^,\]]*),iv:([^,\]]*),tag:([^,\]]*),type:([^,\]]*)\]$/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Why a value that claims to be a sops envelope is not a well-formed one; null when it is. */
export function envelopeProblem(value: string): string | null {
  const m = SHAPE.exec(value)
  if (m === null) return "not of the shape ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]"
  const [, data = "", iv = "", tag = "", type = ""] = m
  for (const [name, b64] of [
    ["data", data],
    ["iv", iv],
    ["tag", tag],
  ] as const) {
    if (!BASE64.test(b64) || b64.length % 4 !== 0) return `${name} is not padded base64`
  }
  const ivLen = Buffer.from(iv, "base64").length
  if (ivLen !== 32) return `iv is ${ivLen} bytes, sops writes 32`
  const tagLen = Buffer.from(tag, "base64").length
  if (tagLen !== 16) return `tag is ${tagLen} bytes, AES-GCM tags are 16`
  if (!TYPES.has(type)) return `unknown value type ${JSON.stringify(type.slice(0, 16))}`
  return null
}

/** The IV text of a well-formed envelope (for the reuse check). */
export function envelopeIv(value: string): string | null {
  const m = SHAPE.exec(value)
  return m?.[2] ?? null
}

/** Values that are meant as envelopes: sops' own test is the `ENC[` prefix. */
export const looksSealed = (value: string): boolean => value.startsWith("ENC[")
