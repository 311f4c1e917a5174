/** The sealed value syntax, `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` (spec §2). */
export const ValueType = {
  Str: "str",
  Int: "int",
  Float: "float",
  Bool: "bool",
  Time: "time",
  Comment: "comment",
  Bytes: "bytes",
} as const
export type ValueType = (typeof ValueType)[keyof typeof ValueType]

export interface Envelope {
  readonly data: Uint8Array
  readonly iv: Uint8Array
  readonly tag: Uint8Array
  readonly type: string
}

// sops matches with this regex, anchored at the start only.
const ENVELOPE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/

export function isEnvelope(s: string): boolean {
  return s.startsWith("ENC[AES256_GCM,")
}

/** null when `s` is not an envelope (or its base64 is broken). */
export function parseEnvelope(s: string): Envelope | null {
  const fast = parseWellFormed(s)
  if (fast !== undefined) return fast
  const m = ENVELOPE.exec(s)
  if (m === null) return null
  const [, data, iv, tag, type] = m
  if (data === undefined || iv === undefined || tag === undefined || type === undefined) return null
  const parts = [data, iv, tag].map(decodeBase64)
  const [d, i, t] = parts
  if (d === null || d === undefined || i === null || i === undefined || t === null || t === undefined)
    return null
  return { data: d, iv: i, tag: t, type }
}

// The envelopes sops and sealbridge write, in one regex run instead of four (the envelope regex,
// then a base64 test per part). Its parts hold no comma and its type no `]` or line break, and it
// ends at the `]`, so a string it matches can only be split at these commas by ENVELOPE too.
const WELL_FORMED =
  /^ENC\[AES256_GCM,data:([A-Za-z0-9+/]+={0,2}),iv:([A-Za-z0-9+/]+={0,2}),tag:([A-Za-z0-9+/]+={0,2}),type:([^,\]\n\r\u2028\u2029]+)\]$/

/** The regex path's result for a well-formed envelope; undefined: the regex path decides. */
function parseWellFormed(s: string): Envelope | null | undefined {
  const m = WELL_FORMED.exec(s)
  if (m === null) return undefined
  const [, data = "", iv = "", tag = "", type = ""] = m
  if (data.length % 4 !== 0 || iv.length % 4 !== 0 || tag.length % 4 !== 0) return null
  return { data: decode(data), iv: decode(iv), tag: decode(tag), type }
}

const decode = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"))

export function formatEnvelope(e: Envelope): string {
  // A view, not a copy: the envelope's parts are often Buffers already.
  const b64 = (b: Uint8Array): string =>
    (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString("base64")
  return `ENC[AES256_GCM,data:${b64(e.data)},iv:${b64(e.iv)},tag:${b64(e.tag)},type:${e.type}]`
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function decodeBase64(s: string): Uint8Array | null {
  if (!BASE64.test(s) || s.length % 4 !== 0) return null
  return new Uint8Array(Buffer.from(s, "base64"))
}
