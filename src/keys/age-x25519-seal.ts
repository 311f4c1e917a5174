// Wraps a data key for an X25519 age recipient (age1…) with Node's native crypto, following the
// age v1 spec (age-encryption.org/v1) and writing the same armored layout as age-encryption's
// Encrypter + armor.encode. age-encryption's encrypt path pulls in web streams and undici
// (~100–200 ms of a cold encrypt on this machine); this path loads none of it. Its randomness
// (file key, ephemeral key, payload nonce) is the system CSPRNG, as age-encryption's is: none of
// it is part of sops' deterministic output, which a wrapped key never is.
import { bech32 } from "@scure/base"
import {
  createCipheriv,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from "node:crypto"
import { SPKI_X25519 } from "./age-x25519.js"

const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----\n"
const ARMOR_END = "-----END AGE ENCRYPTED FILE-----\n"
const X25519_INFO = "age-encryption.org/v1/X25519"
const CHUNK = 64 * 1024

/** The raw public key of an `age1…` recipient; null when it is not an X25519 recipient. */
export function x25519Recipient(recipient: string): Buffer | null {
  if (!recipient.startsWith("age1")) return null
  try {
    const decoded = bech32.decodeToBytes(recipient)
    return decoded.prefix === "age" && decoded.bytes.length === 32 ? Buffer.from(decoded.bytes) : null
  } catch {
    return null
  }
}

const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string): Buffer =>
  Buffer.from(hkdfSync("sha256", ikm, salt, info, 32))

function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 })
  const body = c.update(plaintext)
  c.final()
  return Buffer.concat([body, c.getAuthTag()])
}

const b64raw = (b: Uint8Array): string => Buffer.from(b).toString("base64").replace(/=+$/, "")

/** Base64 in 64-column lines (48 bytes each), as age writes stanza bodies and the armor. */
function lines64(b: Buffer, pad: boolean): string[] {
  const out: string[] = []
  for (let i = 0; i < b.length; i += 48) {
    const part = b.subarray(i, Math.min(i + 48, b.length))
    out.push(pad ? part.toString("base64") : b64raw(part))
  }
  return out
}

/**
 * An ASCII-armored age file holding `plaintext`, for one X25519 recipient; null when `recipient`
 * is not one (the caller falls back to age-encryption). Payloads up to 64 KiB (a data key is 32
 * bytes) are one STREAM chunk.
 */
export function sealArmoredX25519(plaintext: Uint8Array, recipient: string): string | null {
  const pub = x25519Recipient(recipient)
  if (pub === null || plaintext.length > CHUNK) return null
  const fileKey = randomBytes(16)
  try {
    const eph = generateKeyPairSync("x25519")
    const share = eph.publicKey.export({ format: "der", type: "spki" }).subarray(SPKI_X25519.length)
    const peer = createPublicKey({ key: Buffer.concat([SPKI_X25519, pub]), format: "der", type: "spki" })
    const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: peer })
    if (shared.every((b) => b === 0)) return null
    const wrapKey = hkdf(shared, Buffer.concat([share, pub]), X25519_INFO)
    const body = chachaSeal(wrapKey, Buffer.alloc(12), fileKey)
    const stanzaBody = lines64(body, false)
    if (body.length % 48 === 0) stanzaBody.push("")
    const headerNoMac = ["age-encryption.org/v1", `-> X25519 ${b64raw(share)}`, ...stanzaBody, "---"].join(
      "\n",
    )
    const mac = createHmac("sha256", hkdf(fileKey, Buffer.alloc(0), "header"))
      .update(headerNoMac)
      .digest()
    const nonce = randomBytes(16)
    const payloadKey = hkdf(fileKey, nonce, "payload")
    const streamNonce = Buffer.alloc(12)
    streamNonce[11] = 1 // the first chunk is the last one
    const file = Buffer.concat([
      Buffer.from(`${headerNoMac} ${b64raw(mac)}\n`, "latin1"),
      nonce,
      chachaSeal(payloadKey, streamNonce, plaintext),
    ])
    return `${ARMOR_BEGIN}${lines64(file, true).join("\n")}\n${ARMOR_END}`
  } finally {
    fileKey.fill(0)
  }
}
