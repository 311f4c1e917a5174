/** True when the input holds nothing but whitespace (sops exit 92: "file cannot be completely empty"). */
export function isBlank(input: Uint8Array): boolean {
  for (const b of input) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false
  return true
}
