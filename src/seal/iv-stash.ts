/**
 * IVs of the values a decrypt opened, keyed by (AAD, type, plaintext). Re-sealing an unchanged
 * value with the same key, IV and AAD gives the same ciphertext, so a re-sealed file differs
 * from the old one only where values changed (sops does the same). Held in memory only.
 */
export type IvStash = Map<string, Uint8Array>

export function stashKey(aad: string, type: string, plaintext: Uint8Array): string {
  return `${aad}\u0000${type}\u0000${Buffer.from(plaintext).toString("base64")}`
}
