import { createHash } from "node:crypto"

/**
 * Fingerprints (v4: SHA-1 over 0x99, length, public-key body) of every secret key and subkey
 * packet in an armored `PGP PRIVATE KEY BLOCK`. sops names PGP recipients by fingerprint, and
 * a secret-key packet begins with the public-key body, so no passphrase is needed. Returns []
 * for anything it cannot read (v5/v6 keys, damaged armor).
 */
export function pgpSecretKeyFingerprints(armored: string): string[] {
  const bytes = dearmor(armored)
  if (bytes === null) return []
  const out: string[] = []
  let at = 0
  while (at < bytes.length) {
    const p = readPacketHeader(bytes, at)
    if (p === null) break
    if (p.tag === 5 || p.tag === 7) {
      const len = publicBodyLength(bytes.subarray(p.bodyStart, p.bodyStart + p.length))
      if (len !== null) out.push(v4Fingerprint(bytes.subarray(p.bodyStart, p.bodyStart + len)))
    }
    at = p.bodyStart + p.length
  }
  return out
}

function dearmor(text: string): Uint8Array | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim())
  const begin = lines.findIndex((l) => l.startsWith("-----BEGIN PGP PRIVATE KEY BLOCK"))
  if (begin === -1) return null
  let i = begin + 1
  while (i < lines.length && lines[i] !== "" && /^[A-Za-z-]+: /.test(lines[i] ?? "")) i++ // armor headers
  let body = ""
  for (; i < lines.length; i++) {
    const l = lines[i] ?? ""
    if (l.startsWith("=") || l.startsWith("-----END")) break
    body += l
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) return null
  return new Uint8Array(Buffer.from(body, "base64"))
}

interface PacketHeader {
  readonly tag: number
  readonly bodyStart: number
  readonly length: number
}

function readPacketHeader(b: Uint8Array, at: number): PacketHeader | null {
  const h = b[at]
  if (h === undefined || (h & 0x80) === 0) return null
  if ((h & 0x40) !== 0) {
    // New format: one-, two- or five-octet length (partial lengths do not occur in key packets).
    const tag = h & 0x3f
    const l0 = b[at + 1] ?? 0
    if (l0 < 192) return { tag, bodyStart: at + 2, length: l0 }
    if (l0 < 224) return { tag, bodyStart: at + 3, length: ((l0 - 192) << 8) + (b[at + 2] ?? 0) + 192 }
    if (l0 === 255) return { tag, bodyStart: at + 6, length: be(b, at + 2, 4) }
    return null
  }
  const tag = (h >> 2) & 0x0f
  const lt = h & 0x03
  if (lt === 3) return null
  const n = [1, 2, 4][lt] ?? 1
  return { tag, bodyStart: at + 1 + n, length: be(b, at + 1, n) }
}

const be = (b: Uint8Array, at: number, n: number): number => {
  let v = 0
  for (let i = 0; i < n; i++) v = v * 256 + (b[at + i] ?? 0)
  return v
}

/** Length of the public-key part of a v4 key packet body; null for other versions or algorithms. */
function publicBodyLength(body: Uint8Array): number | null {
  if (body[0] !== 4) return null
  let at = 6 // version, creation time, algorithm
  const mpi = (): void => {
    at += 2 + Math.ceil(be(body, at, 2) / 8)
  }
  const sized = (): void => {
    at += 1 + (body[at] ?? 0)
  }
  const algo = body[5]
  switch (algo) {
    case 1:
    case 2:
    case 3:
      mpi()
      mpi()
      break
    case 16:
      for (let i = 0; i < 3; i++) mpi()
      break
    case 17:
      for (let i = 0; i < 4; i++) mpi()
      break
    case 18:
      sized()
      mpi()
      sized()
      break
    case 19:
    case 22:
      sized()
      mpi()
      break
    case 25:
    case 27:
      at += 32
      break
    case 26:
      at += 56
      break
    case 28:
      at += 57
      break
    default:
      return null
  }
  return at <= body.length ? at : null
}

function v4Fingerprint(pub: Uint8Array): string {
  const h = createHash("sha1")
  h.update(Uint8Array.of(0x99, (pub.length >> 8) & 0xff, pub.length & 0xff))
  h.update(pub)
  return h.digest("hex").toUpperCase()
}
