import { readFileSync } from "node:fs"
import {
  createCipheriv,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
} from "node:crypto"
import { bech32 } from "@scure/base"

// Builds age v1 files (age-encryption.org/v1) piece by piece, with node:crypto only, so that tests
// can hand the native opener headers and payloads that age would never write (odd stanzas, short
// MACs, an empty last chunk) and still have every other part valid: a test then fails for the one
// rule it is about. Independent of src/keys/age-x25519*.ts on purpose.

const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex")
export const CHUNK = 64 * 1024

/** The test identity and recipient made by age-keygen 1.1.1 (test/fixtures/age/identity.txt). */
export const FIXTURE_DIR = new URL("../fixtures/age/", import.meta.url)
const keyFile = readFileSync(new URL("identity.txt", FIXTURE_DIR), "utf8")
export const IDENTITY = keyFile.split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1")) ?? ""
export const RECIPIENT = /# public key: (age1\S+)/.exec(keyFile)?.[1] ?? ""

/** The plaintext of test/fixtures/age/sealed-<n>.age: byte i is i mod 251. */
export const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 251)

export const fixture = (name: string): string => readFileSync(new URL(name, FIXTURE_DIR), "utf8")

export const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64").replace(/=+$/, "")
const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string): Buffer =>
  Buffer.from(hkdfSync("sha256", ikm, salt, info, 32))

export function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 })
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()])
}

/** The raw X25519 public key of an age1… recipient. */
export const recipientKey = (recipient: string): Buffer => Buffer.from(bech32.decodeToBytes(recipient).bytes)

/** An X25519 stanza's share and body wrapping `fileKey` (any length) for `recipient`. */
export function x25519Parts(fileKey: Uint8Array, recipient = RECIPIENT): { share: Buffer; body: Buffer } {
  const pub = recipientKey(recipient)
  const eph = generateKeyPairSync("x25519")
  const share = eph.publicKey.export({ format: "der", type: "spki" }).subarray(SPKI_X25519.length)
  const peer = createPublicKey({ key: Buffer.concat([SPKI_X25519, pub]), format: "der", type: "spki" })
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: peer })
  const wrapKey = hkdf(shared, Buffer.concat([share, pub]), "age-encryption.org/v1/X25519")
  return { share, body: chachaSeal(wrapKey, Buffer.alloc(12), fileKey) }
}

/** A stanza's body as age writes it: unpadded base64 in 64-column lines, the last one shorter. */
export function bodyLines(body: Uint8Array): string[] {
  const text = b64(body)
  const out: string[] = []
  for (let i = 0; i <= text.length; i += 64) out.push(text.slice(i, i + 64))
  return out
}

/** `-> X25519 <share>` and its body lines. */
export function x25519Stanza(fileKey: Uint8Array, recipient = RECIPIENT): string[] {
  const { share, body } = x25519Parts(fileKey, recipient)
  return [`-> X25519 ${b64(share)}`, ...bodyLines(body)]
}

/** The header through `---` (no MAC), from stanza lines. */
export const headerNoMac = (stanzaLines: readonly string[]): string =>
  ["age-encryption.org/v1", ...stanzaLines, "---"].join("\n")

export const headerMac = (fileKey: Uint8Array, header: string): Buffer =>
  createHmac("sha256", hkdf(fileKey, Buffer.alloc(0), "header"))
    .update(header)
    .digest()

/** The payload: a 16-byte nonce, then each chunk sealed with its counter, the last one flagged. */
export function payload(
  fileKey: Uint8Array,
  chunks: readonly Uint8Array[],
  nonce = Buffer.alloc(16, 5),
): Buffer {
  const key = hkdf(fileKey, nonce, "payload")
  const sealed = chunks.map((c, i) => {
    const n = Buffer.alloc(12)
    n.writeUIntBE(i, 5, 6)
    n[11] = i === chunks.length - 1 ? 1 : 0
    return chachaSeal(key, n, c)
  })
  return Buffer.concat([nonce, ...sealed])
}

/** A whole age file: header with its correct MAC, then `body` as the payload. */
export function ageFile(fileKey: Uint8Array, stanzaLines: readonly string[], body: Uint8Array): Buffer {
  const header = headerNoMac(stanzaLines)
  return Buffer.concat([Buffer.from(`${header} ${b64(headerMac(fileKey, header))}\n`, "latin1"), body])
}

/** ASCII armor as age writes it: padded base64 in 64-column lines. */
export function armor(file: Uint8Array): string {
  const text = Buffer.from(file).toString("base64")
  const lines: string[] = []
  for (let i = 0; i < text.length; i += 64) lines.push(text.slice(i, i + 64))
  return ["-----BEGIN AGE ENCRYPTED FILE-----", ...lines, "-----END AGE ENCRYPTED FILE-----", ""].join("\n")
}
