// Opens an age file addressed to an X25519 identity with Node's native crypto (X25519, HKDF,
// HMAC-SHA256, ChaCha20-Poly1305), following the age v1 spec (age-encryption.org/v1). sops wraps
// every data key this way, and age-encryption's module graph (pure-JS curves, post-quantum
// hybrids, web streams) costs more start-up time than the rest of a decrypt; this path loads
// none of it. Anything it does not handle (other identity or stanza types, odd armor) returns
// null and the caller falls back to age-encryption.
import { bech32 } from "@scure/base"
import {
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
} from "node:crypto"

const INTRO = "age-encryption.org/v1\n"
const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
const ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
const X25519_INFO = "age-encryption.org/v1/X25519"
// DER prefixes of an X25519 PKCS#8 private key and SPKI public key (RFC 8410), raw key appended.
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex")
export const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex")
const CHUNK = 64 * 1024
const TAG = 16

interface X25519Identity {
  readonly key: KeyObject
  /** The identity's public key, raw: part of the HKDF salt. */
  readonly pub: Buffer
}

/** An `AGE-SECRET-KEY-1…` identity as a native key; null for any other kind of identity. */
export function x25519Identity(identity: string): X25519Identity | null {
  if (!identity.startsWith("AGE-SECRET-KEY-1")) return null
  let scalar: Uint8Array
  try {
    const decoded = bech32.decodeToBytes(identity)
    if (decoded.prefix.toUpperCase() !== "AGE-SECRET-KEY-" || decoded.bytes.length !== 32) return null
    scalar = decoded.bytes
  } catch {
    return null
  }
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, scalar]), format: "der", type: "pkcs8" })
  const pub = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(SPKI_X25519.length)
  return { key, pub }
}

/** The raw bytes of an ASCII-armored age file; null when it is not armored as age writes it. */
export function dearmor(text: string): Buffer | null {
  const lines = text.trim().replaceAll("\r\n", "\n").split("\n")
  if (lines.shift() !== ARMOR_BEGIN || lines.pop() !== ARMOR_END) return null
  const body = lines.join("")
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) return null
  return Buffer.from(body, "base64")
}

interface Stanza {
  readonly type: string
  readonly args: readonly string[]
  readonly body: Buffer
}

interface Header {
  readonly stanzas: readonly Stanza[]
  /** Bytes the header MAC covers: the intro through "---". */
  readonly macInput: Buffer
  readonly mac: Buffer
  readonly payloadStart: number
}

/** Splits an age v1 header; null when the bytes are not one (the caller's fallback decides). */
export function parseHeader(file: Buffer): Header | null {
  if (file.subarray(0, INTRO.length).toString("latin1") !== INTRO) return null
  const stanzas: Stanza[] = []
  let pos = INTRO.length
  const line = (): string | null => {
    const end = file.indexOf(10, pos)
    if (end === -1) return null
    const s = file.subarray(pos, end).toString("latin1")
    pos = end + 1
    return s
  }
  for (;;) {
    const start = pos
    const l = line()
    if (l === null) return null
    if (l.startsWith("--- ")) {
      const mac = b64raw(l.slice(4))
      if (mac === null || mac.length !== 32) return null
      return { stanzas, macInput: file.subarray(0, start + 3), mac, payloadStart: pos }
    }
    if (!l.startsWith("-> ")) return null
    const [type = "", ...args] = l.slice(3).split(" ")
    const parts: Buffer[] = []
    for (;;) {
      const b = line()
      if (b === null) return null
      const bytes = b64raw(b)
      if (bytes === null) return null
      parts.push(bytes)
      if (b.length < 64) break
    }
    stanzas.push({ type, args, body: Buffer.concat(parts) })
  }
}

/** Unpadded standard base64, as age writes it; null for anything else. */
function b64raw(s: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) return null
  return Buffer.from(s, "base64")
}

const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string): Buffer =>
  Buffer.from(hkdfSync("sha256", ikm, salt, info, 32))

function chachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | null {
  if (sealed.length < TAG) return null
  const d = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG })
  d.setAuthTag(sealed.subarray(sealed.length - TAG))
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()])
  } catch {
    return null
  }
}

/** The file key from the first X25519 stanza one of the identities opens; null when none does. */
function unwrapFileKey(stanzas: readonly Stanza[], identities: readonly X25519Identity[]): Buffer | null {
  for (const s of stanzas) {
    if (s.type !== "X25519" || s.args.length !== 1 || s.body.length !== 32) continue
    const share = b64raw(s.args[0] ?? "")
    if (share === null || share.length !== 32) continue
    const peer = createPublicKey({ key: Buffer.concat([SPKI_X25519, share]), format: "der", type: "spki" })
    for (const id of identities) {
      const shared = diffieHellman({ privateKey: id.key, publicKey: peer })
      if (shared.every((b) => b === 0)) continue
      const wrapKey = hkdf(shared, Buffer.concat([share, id.pub]), X25519_INFO)
      const fileKey = chachaOpen(wrapKey, Buffer.alloc(12), s.body)
      if (fileKey !== null && fileKey.length === 16) return fileKey
    }
  }
  return null
}

/** age's STREAM: 64 KiB chunks, nonce = 11-byte counter ‖ last-chunk flag. */
function openPayload(fileKey: Buffer, payload: Buffer): Buffer {
  if (payload.length < 16 + TAG) throw new Error("age payload too short")
  const key = hkdf(fileKey, payload.subarray(0, 16), "payload")
  const out: Buffer[] = []
  const nonce = Buffer.alloc(12)
  let pos = 16
  for (let counter = 0; ; counter++) {
    const end = Math.min(pos + CHUNK + TAG, payload.length)
    const last = end === payload.length
    nonce.writeUIntBE(counter, 5, 6)
    nonce[11] = last ? 1 : 0
    const chunk = chachaOpen(key, nonce, payload.subarray(pos, end))
    if (chunk === null) throw new Error("age payload chunk failed to authenticate")
    if (last && chunk.length === 0 && counter > 0) throw new Error("age payload has an empty last chunk")
    out.push(chunk)
    if (last) return Buffer.concat(out)
    pos = end
  }
}

/**
 * Opens an armored age file with X25519 identities. Null when this path does not apply (no
 * X25519 identity, no stanza they open, not armored age v1): the caller then tries
 * age-encryption, which handles every case and reports errors in its own words.
 * @throws Error when a stanza opened but the header MAC or the payload does not verify
 */
export function openArmoredX25519(armored: string, identities: readonly string[]): Uint8Array | null {
  const ids = identities.map(x25519Identity).filter((i): i is X25519Identity => i !== null)
  if (ids.length === 0) return null
  const file = dearmor(armored)
  const header = file === null ? null : parseHeader(file)
  if (file === null || header === null) return null
  const fileKey = unwrapFileKey(header.stanzas, ids)
  if (fileKey === null) return null
  try {
    const mac = createHmac("sha256", hkdf(fileKey, Buffer.alloc(0), "header"))
      .update(header.macInput)
      .digest()
    if (!timingSafeEqual(mac, header.mac)) throw new Error("age header MAC mismatch")
    return new Uint8Array(openPayload(fileKey, file.subarray(header.payloadStart)))
  } finally {
    fileKey.fill(0)
  }
}
