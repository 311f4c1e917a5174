import { BytesSource, type ByteSource } from "../formats/byte-source.js"

/** True when the input holds nothing but whitespace (sops exit 92: "file cannot be completely empty"). */
export function isBlank(input: Uint8Array): boolean {
  for (const b of input) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false
  return true
}

/** isBlank over a source, read in pieces until its first other byte (most files: the first piece). */
export function isBlankSource(source: ByteSource): boolean {
  if (source instanceof BytesSource) return isBlank(source.bytes)
  const piece = Buffer.allocUnsafe(1 << 16)
  for (let at = 0; at < source.size;) {
    const n = source.read(piece, at)
    if (n === 0) break
    if (!isBlank(piece.subarray(0, n))) return false
    at += n
  }
  return true
}
