/**
 * The UTF-8 byte-order mark (EF BB BF) at the start of a file. sops 3.13.2 treats it per store:
 * go-yaml and go-ini skip it, encoding/json refuses it, and the dotenv store reads it as part of
 * the first line (so it ends up in the first key's name).
 */
export const startsWithBom = (input: Uint8Array): boolean =>
  input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf
