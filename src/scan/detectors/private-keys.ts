/**
 * Private keys that actually are keys: PEM blocks must parse (node:crypto), OpenSSH keys must carry
 * equal check integers, PGP blocks must pass the armor CRC-24 and start with a secret-key packet,
 * age keys must pass bech32. Examples in docs (`...` bodies, truncated keys) are dropped.
 */
import { createPrivateKey } from "node:crypto"
import type { Detector, RawMatch } from "../finding.js"
import { Severity } from "../finding.js"
import { bech32Valid, crc24, decodeBase64 } from "../checksums.js"
import { regexDetector } from "./kit.js"

const MAX_BLOCK = 40_000
const BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY( BLOCK)?-----/g

export type KeyVerdict = { readonly severity: Severity; readonly what: string } | null

/** Body text between the markers as plain lines: JSON/YAML escapes undone, quotes and indentation gone. */
function bodyLines(raw: string): string[] {
  return raw
    .replace(/\\r/g, "")
    .replace(/\\n/g, "\n")
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^["'`]|["'`,\\]+$/g, ""))
    .filter((l) => l.length > 0)
}

function readString(buf: Buffer, at: number): { value: Buffer; next: number } | null {
  if (at + 4 > buf.length) return null
  const len = buf.readUInt32BE(at)
  if (at + 4 + len > buf.length) return null
  return { value: buf.subarray(at + 4, at + 4 + len), next: at + 4 + len }
}

/** openssh-key-v1: unencrypted keys repeat a random 32-bit check integer; equal means a real key. */
export function verifyOpenSsh(raw: string): KeyVerdict {
  const bytes = decodeBase64(bodyLines(raw).join(""))
  if (!bytes) return null
  const buf = Buffer.from(bytes)
  const magic = "openssh-key-v1\0"
  if (buf.subarray(0, magic.length).toString("latin1") !== magic) return null
  const cipher = readString(buf, magic.length)
  const kdf = cipher && readString(buf, cipher.next)
  const kdfOpts = kdf && readString(buf, kdf.next)
  if (!cipher || !kdfOpts || kdfOpts.next + 4 > buf.length) return null
  const nkeys = buf.readUInt32BE(kdfOpts.next)
  let at = kdfOpts.next + 4
  for (let i = 0; i < nkeys && i < 16; i++) {
    const pub = readString(buf, at)
    if (!pub) return null
    at = pub.next
  }
  const priv = readString(buf, at)
  if (!priv || priv.value.length < 8) return null
  if (cipher.value.toString("latin1") !== "none")
    return { severity: Severity.Medium, what: "encrypted OpenSSH" }
  return priv.value.readUInt32BE(0) === priv.value.readUInt32BE(4)
    ? { severity: Severity.Critical, what: "OpenSSH" }
    : null
}

/** Armored OpenPGP secret key: CRC-24 line (when present) must match; first packet tag 5. */
export function verifyPgp(raw: string): KeyVerdict {
  let crc: string | undefined
  const data: string[] = []
  for (const line of bodyLines(raw)) {
    if (/^[A-Za-z][A-Za-z-]*: /.test(line)) continue // armor headers (Version:, Comment:)
    const m = /^=([A-Za-z0-9+/]{4})$/.exec(line)
    if (m) crc = m[1]
    else data.push(line)
  }
  const bytes = decodeBase64(data.join(""))
  if (!bytes || bytes.length < 16) return null
  if (crc !== undefined) {
    const want = Buffer.from(crc, "base64")
    if (want.length !== 3 || crc24(bytes) !== want.readUIntBE(0, 3)) return null
  }
  const b0 = bytes[0] ?? 0
  if ((b0 & 0x80) === 0) return null
  const tag = b0 & 0x40 ? b0 & 0x3f : (b0 >> 2) & 0x0f
  return tag === 5 ? { severity: Severity.Critical, what: "PGP" } : null
}

/** One DER element header: [tag, content start, content end] or null when lengths do not fit. */
function derElement(b: Uint8Array, at: number): [number, number, number] | null {
  const tag = b[at]
  let len = b[at + 1]
  if (tag === undefined || len === undefined) return null
  let start = at + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n < 1 || n > 3) return null
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + (b[start + i] ?? 0)
    start += n
  }
  return start + len <= b.length ? [tag, start, start + len] : null
}

/** PKCS#8 EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE algorithm, OCTET STRING data } filling the block. */
function isEncryptedPkcs8(der: Uint8Array): boolean {
  const outer = derElement(der, 0)
  if (!outer || outer[0] !== 0x30 || outer[2] !== der.length) return false
  const alg = derElement(der, outer[1])
  const data = alg && alg[0] === 0x30 ? derElement(der, alg[2]) : null
  return data !== null && data[0] === 0x04 && data[2] === outer[2] && data[2] - data[1] >= 16
}

/** PEM private keys (PKCS#1/#8, SEC1, DSA): node:crypto must parse them; encrypted ones rate medium. */
export function verifyPem(label: string, raw: string): KeyVerdict {
  const lines = bodyLines(raw)
  const headers = lines.filter((l) => /^[A-Za-z-]+:/.test(l))
  const b64 = lines.filter((l) => !/^[A-Za-z-]+:/.test(l)).join("")
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length < 64) return null
  const der = decodeBase64(b64)
  if (!der) return null
  const encrypted: KeyVerdict = { severity: Severity.Medium, what: "encrypted" }
  // no passphrase here: check the container's structure instead of decrypting
  if (label === "ENCRYPTED PRIVATE KEY") return isEncryptedPkcs8(der) ? encrypted : null
  if (headers.some((h) => /^Proc-Type:\s*4,ENCRYPTED/i.test(h)))
    return der.length % 8 === 0 ? encrypted : null
  const wrapped = b64.match(/.{1,64}/g)?.join("\n") ?? ""
  try {
    createPrivateKey({ key: `-----BEGIN ${label}-----\n${wrapped}\n-----END ${label}-----\n`, format: "pem" })
    return { severity: Severity.Critical, what: label.replace(/ ?PRIVATE KEY$/, "") || "PKCS#8" }
  } catch {
    return null
  }
}

/** Dispatches a block by its label; `raw` is the text between BEGIN and END markers. */
export function verifyKeyBlock(label: string, raw: string): KeyVerdict {
  if (label === "OPENSSH PRIVATE KEY") return verifyOpenSsh(raw)
  if (label === "PGP PRIVATE KEY BLOCK") return verifyPgp(raw)
  return verifyPem(label, raw)
}

/** All verified private-key blocks in `text`, as [start, end, verdict]. */
export function findKeyBlocks(text: string): [number, number, NonNullable<KeyVerdict>][] {
  const out: [number, number, NonNullable<KeyVerdict>][] = []
  const re = new RegExp(BEGIN.source, "g")
  // next END position per label, so a run of BEGINs without ENDs stays one pass over the text
  const nextEnd = new Map<string, number>()
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const label = `${m[1] ?? ""}PRIVATE KEY${m[2] ?? ""}`
    const endMarker = `-----END ${label}-----`
    const bodyStart = m.index + m[0].length
    let end = nextEnd.get(label) ?? -2
    if (end === -2 || (end >= 0 && end < bodyStart)) {
      end = text.indexOf(endMarker, bodyStart)
      nextEnd.set(label, end)
    }
    if (end < 0 || end - bodyStart > MAX_BLOCK) continue
    const verdict = verifyKeyBlock(label, text.slice(bodyStart, end))
    if (verdict) out.push([m.index, end + endMarker.length, verdict])
    re.lastIndex = end + endMarker.length
  }
  return out
}

export const privateKey: Detector = {
  id: "private-key",
  severity: Severity.Critical,
  keywords: ["private key"],
  window: { before: 64, after: MAX_BLOCK + 200 },
  detect(text) {
    return findKeyBlocks(text).map(([start, end, v]): RawMatch => {
      const ruleId =
        v.what === "PGP"
          ? "pgp-private-key"
          : v.what.includes("OpenSSH")
            ? "openssh-private-key"
            : "private-key"
      return { ruleId, severity: v.severity, start, end, description: `${v.what} private key` }
    })
  },
}

/** Base64 of "-----BEGIN" (kubeconfig client-key-data, Secret data fields, CI variables). */
export const base64PrivateKey = regexDetector({
  id: "private-key-base64",
  severity: Severity.Critical,
  description: "base64-encoded private key (e.g. kubeconfig client-key-data)",
  keywords: ["ls0tls1crudjti"],
  window: { before: 8, after: 60_000 },
  pattern: /LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,56000}={0,2}/g,
  check: (s) => {
    const decoded = decodeBase64(s)
    if (!decoded) return false
    const blocks = findKeyBlocks(Buffer.from(decoded).toString("latin1"))
    return blocks[0]?.[2].severity ?? false
  },
})

export const ageSecretKey = regexDetector({
  id: "age-secret-key",
  severity: Severity.Critical,
  description: "age secret key with a valid bech32 checksum",
  keywords: ["age-secret-key-1"],
  pattern: /(?<![A-Za-z0-9])AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Za-z0-9])/g,
  check: bech32Valid,
})
