/**
 * A sealed file with its unencrypted `note_unencrypted: clear` value changed to "clean" (YAML or
 * JSON), which only the MAC can tell. Aimed at that key: a bare replace("clear", …) hits the first
 * "clear" in the file, which now and then is inside a base64 ciphertext or IV (a few in a thousand
 * runs for a 20,000-value file), and that is a damaged value (exit 25), not a MAC mismatch.
 */
export function changeClearValue(sealed: string): string {
  const changed = sealed.replace(/(note_unencrypted"?: "?)clear\b/, "$1clean")
  if (changed === sealed) throw new Error("no note_unencrypted: clear in the sealed file")
  return changed
}
