/**
 * Generators of checksum-valid, never-issued credentials for the scanner tests. Every token is
 * derived from a seeded PRNG, so fixtures are reproducible and no real secret is ever committed.
 */
import { createECDH, createPrivateKey, generateKeyPairSync } from "node:crypto"
import { base36, base62, bech32Encode, crc24 as crc24Of, crc32 } from "../../src/scan/checksums.js"

export type Rng = () => number

/** mulberry32: tiny deterministic PRNG */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
export const B64URL = ALNUM + "-_"
export const B64 = ALNUM + "+/"
export const HEX = "0123456789abcdef"
export const UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

export function pick(r: Rng, alphabet: string, n: number): string {
  let s = ""
  for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(r() * alphabet.length))
  return s
}

/** Changes one character of the checksum-bearing tail so the checksum no longer holds. */
export function breakLast(token: string): string {
  const last = token.charAt(token.length - 1)
  const swap = last === "A" ? "B" : last === "0" ? "1" : last === "a" ? "b" : "A"
  return token.slice(0, -1) + swap
}

export function githubToken(r: Rng, prefix: "ghp" | "gho" | "ghu" | "ghs" | "ghr" = "ghp"): string {
  const body = pick(r, ALNUM, 30)
  return `${prefix}_${body}${base62(crc32(body), 6)}`
}

export function npmToken(r: Rng): string {
  const body = pick(r, ALNUM, 30)
  return `npm_${body}${base62(crc32(body), 6)}`
}

export function githubFineGrained(r: Rng): string {
  return `github_pat_${pick(r, ALNUM, 22)}_${pick(r, ALNUM, 59)}`
}

export function awsKeyId(r: Rng): string {
  return "AKIA" + pick(r, UPPER32, 16)
}

export function awsSecret(r: Rng): string {
  for (;;) {
    const s = pick(r, B64, 40)
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9/+]/.test(s)) return s
  }
}

export function ageSecretKey(r: Rng): string {
  const data5 = Array.from({ length: 52 }, () => Math.floor(r() * 32))
  return bech32Encode("age-secret-key-", data5).toUpperCase()
}

export { base36, base62, crc32 }

export function gitlabRoutable(r: Rng, prefix = "glpat-"): string {
  const payload = pick(r, B64URL, 40)
  const body = `${prefix}${payload}.01.${base36(payload.length, 2)}`
  return body + base36(crc32(body), 7)
}

export function gitlabLegacy(r: Rng, prefix = "glpat-"): string {
  return prefix + pick(r, ALNUM + "_-", 20)
}

export function grafanaServiceAccount(r: Rng): string {
  const head = `glsa_${pick(r, ALNUM, 32)}`
  const crc = crc32(head)
  const le = [crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24]
  return `${head}_${le.map((b) => b.toString(16).padStart(2, "0")).join("")}`
}

export function grafanaCloud(r: Rng): string {
  const json = JSON.stringify({
    o: String(100000 + Math.floor(r() * 800000)),
    n: "stack-" + pick(r, HEX, 6),
    k: pick(r, ALNUM, 24),
    m: { r: "prod-eu-west-2" },
  })
  return "glc_" + Buffer.from(json).toString("base64")
}

function crcHex(s: string): string {
  return crc32(s).toString(16).toUpperCase().padStart(8, "0")
}

export function atlassianApiToken(r: Rng): string {
  const head = `ATATT3xFfGF0${pick(r, B64URL, 170)}=`
  return head + crcHex(head)
}

export function bitbucketAppPassword(r: Rng): string {
  const head = `ATBB${pick(r, ALNUM, 24)}`
  return head + crcHex(head)
}

export function googleApiKey(r: Rng): string {
  return "AIzaSy" + pick(r, ALNUM + "_-", 33)
}

export function googleOAuthSecret(r: Rng): string {
  return "GOCSPX-" + pick(r, ALNUM + "_-", 28)
}

export function slackBotToken(r: Rng): string {
  return `xoxb-${pick(r, "0123456789", 13)}-${pick(r, "0123456789", 13)}-${pick(r, ALNUM, 24)}`
}

export function slackWebhook(r: Rng): string {
  return `https://hooks.slack.com/services/T${pick(r, UPPER32, 10)}/B${pick(r, UPPER32, 10)}/${pick(r, ALNUM, 24)}`
}

export function stripeLive(r: Rng): string {
  return "sk_live_" + pick(r, ALNUM, 99)
}

export function openaiKey(r: Rng): string {
  return `sk-proj-${pick(r, B64URL, 74)}T3BlbkFJ${pick(r, B64URL, 74)}`
}

export function anthropicKey(r: Rng): string {
  return `sk-ant-api03-${pick(r, B64URL, 93)}AA`
}

function b64url(s: string | Uint8Array): string {
  return Buffer.from(s).toString("base64url")
}

export function jwt(r: Rng, payload: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: "RS256", kid: pick(r, ALNUM, 12), typ: "JWT" }))
  return `${header}.${b64url(JSON.stringify(payload))}.${pick(r, B64URL, 342)}`
}

export function password(r: Rng, n = 20): string {
  for (;;) {
    const s = pick(r, ALNUM + "#%^*_-", n)
    if (/[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s)) return s
  }
}

/** An armored block whose first packet is a secret-key packet and whose CRC-24 line is right. */
export function pgpPrivateKeyBlock(r: Rng, corruptCrc = false): string {
  const body = new Uint8Array(300)
  body[0] = 0x95 // old-format packet header, tag 5 (secret key), two-byte length
  body[1] = 0x01
  body[2] = 0x29
  body[3] = 4 // version 4
  for (let i = 4; i < body.length; i++) body[i] = Math.floor(r() * 256)
  let crc = crc24Of(body)
  if (corruptCrc) crc ^= 1
  const crcB64 = Buffer.from([crc >>> 16, (crc >>> 8) & 0xff, crc & 0xff]).toString("base64")
  const lines =
    Buffer.from(body)
      .toString("base64")
      .match(/.{1,64}/g) ?? []
  return [
    "-----BEGIN PGP PRIVATE KEY BLOCK-----",
    "",
    ...lines,
    `=${crcB64}`,
    "-----END PGP PRIVATE KEY BLOCK-----",
  ].join("\n")
}

/** An unencrypted openssh-key-v1 ed25519 key; `badCheck` makes the two check integers differ. */
export function openSshPrivateKey(r: Rng, badCheck = false): string {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519")
  const pub = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url")
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url")
  const str = (b: Buffer | string): Buffer => {
    const v = typeof b === "string" ? Buffer.from(b) : b
    const len = Buffer.alloc(4)
    len.writeUInt32BE(v.length)
    return Buffer.concat([len, v])
  }
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(n >>> 0)
    return b
  }
  const pubBlob = Buffer.concat([str("ssh-ed25519"), str(pub)])
  const check = Math.floor(r() * 2 ** 32)
  let priv = Buffer.concat([
    u32(check),
    u32(badCheck ? check ^ 1 : check),
    pubBlob,
    str(Buffer.concat([seed, pub])),
    str("ci@example"),
  ])
  const pad: number[] = []
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i)
  priv = Buffer.concat([priv, Buffer.from(pad)])
  const blob = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    str("none"),
    str("none"),
    str(""),
    u32(1),
    str(pubBlob),
    str(priv),
  ])
  const lines = blob.toString("base64").match(/.{1,70}/g) ?? []
  return ["-----BEGIN OPENSSH PRIVATE KEY-----", ...lines, "-----END OPENSSH PRIVATE KEY-----"].join("\n")
}

/** A P-256 key from a seeded scalar, as SEC1 ("EC PRIVATE KEY") or PKCS#8 ("PRIVATE KEY") PEM. */
export function ecPrivateKeyPem(r: Rng, type: "sec1" | "pkcs8"): string {
  const d = Buffer.from(pick(r, HEX, 64), "hex")
  const ecdh = createECDH("prime256v1")
  ecdh.setPrivateKey(d)
  const pub = ecdh.getPublicKey()
  const key = createPrivateKey({
    key: {
      kty: "EC",
      crv: "P-256",
      d: d.toString("base64url"),
      x: pub.subarray(1, 33).toString("base64url"),
      y: pub.subarray(33).toString("base64url"),
    },
    format: "jwk",
  })
  return key.export({ format: "pem", type }).toString().trimEnd()
}

export function rsaPrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
  return privateKey.export({ format: "pem", type: "pkcs1" }).toString().trimEnd()
}

export function encryptedPkcs8Pem(r: Rng): string {
  return createPrivateKey(ecPrivateKeyPem(r, "pkcs8"))
    .export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "corpus" })
    .toString()
    .trimEnd()
}
