/**
 * Offline checksums that issuers embed in their tokens. They let a detector reject random
 * look-alikes (docs, tests, truncated copies) without calling the issuer.
 */

const CRC32_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (IEEE, zlib's) over the string's char codes, which are bytes for the ASCII tokens we check. */
export function crc32(s: string): number {
  let crc = 0xffffffff
  for (let i = 0; i < s.length; i++) crc = (crc >>> 8) ^ (CRC32_TABLE[(crc ^ s.charCodeAt(i)) & 0xff] ?? 0)
  return (crc ^ 0xffffffff) >>> 0
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** Non-negative integer in base62 (0-9A-Za-z, GitHub's alphabet), left-padded with "0". */
export function base62(n: number, width: number): string {
  let out = ""
  let v = n
  while (v > 0) {
    out = BASE62[v % 62] + out
    v = Math.floor(v / 62)
  }
  return out.padStart(width, "0")
}

/** Lower-case base36, left-padded with "0" (GitLab's routable-token fields). */
export function base36(n: number, width: number): string {
  return n.toString(36).padStart(width, "0")
}

/** OpenPGP armor checksum (RFC 4880 §6.1). */
export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce
  for (const b of bytes) {
    crc ^= b << 16
    for (let i = 0; i < 8; i++) {
      crc <<= 1
      if (crc & 0x1000000) crc ^= 0x1864cfb
    }
  }
  return crc & 0xffffff
}

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]

function bech32Polymod(values: readonly number[]): number {
  let chk = 1
  for (const v of values) {
    const top = chk >>> 25
    chk = ((chk & 0x1ffffff) << 5) ^ v
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GEN[i] ?? 0
  }
  return chk >>> 0
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = []
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >>> 5)
  out.push(0)
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31)
  return out
}

/** True when `s` is a bech32 string (BIP-173 constant 1, any length, as age uses) with a valid checksum. */
export function bech32Valid(s: string): boolean {
  const lower = s.toLowerCase()
  const sep = lower.lastIndexOf("1")
  if (sep < 1 || sep + 7 > lower.length) return false
  const data: number[] = []
  for (let i = sep + 1; i < lower.length; i++) {
    const v = BECH32_CHARSET.indexOf(lower.charAt(i))
    if (v < 0) return false
    data.push(v)
  }
  return bech32Polymod([...hrpExpand(lower.slice(0, sep)), ...data]) === 1
}

/** bech32 encoding of 5-bit groups with its checksum (used by test generators and round-trip tests). */
export function bech32Encode(hrp: string, data5: readonly number[]): string {
  const values = [...hrpExpand(hrp), ...data5, 0, 0, 0, 0, 0, 0]
  const mod = bech32Polymod(values) ^ 1
  let out = hrp + "1"
  for (const d of data5) out += BECH32_CHARSET.charAt(d)
  for (let p = 0; p < 6; p++) out += BECH32_CHARSET.charAt((mod >>> (5 * (5 - p))) & 31)
  return out
}

/** Decodes standard or URL-safe base64 (padding optional); null when it is not base64. */
export function decodeBase64(s: string): Uint8Array | null {
  const clean = s.replace(/[\r\n\t ]/g, "")
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null
  return new Uint8Array(Buffer.from(clean.replace(/-/g, "+").replace(/_/g, "/"), "base64"))
}
