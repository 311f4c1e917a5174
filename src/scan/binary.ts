/** How many leading bytes decide; git's own heuristic looks at the first 8000. */
const SNIFF = 8000

/**
 * True when the bytes look like a binary file: a NUL byte in the first 8000 bytes (git's rule),
 * or more than 30% control bytes there. UTF-16 text with a BOM counts as text.
 */
export function isProbablyBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SNIFF)
  if (n >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)))
    return false
  let control = 0
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0
    if (b === 0) return true
    // tab, LF, CR, FF and ESC occur in text files
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++
  }
  return n > 0 && control / n > 0.3
}
