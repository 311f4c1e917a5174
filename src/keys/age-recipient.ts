import { bech32 } from "@scure/base"
import { BridgeError, ErrorCode } from "../errors.js"

/**
 * Checks an `age1…` recipient before anything is sealed, as sops does when it parses its flags
 * and config ("malformed recipient", exit 1), instead of failing later at wrap time (exit 23).
 * SSH and plugin recipients are left to the age library.
 * @throws BridgeError USAGE naming the recipient (public, so safe to print)
 */
export function checkAgeRecipient(recipient: string): string {
  if (!recipient.startsWith("age1")) return recipient
  let ok: boolean
  try {
    const { prefix, words } = bech32.decode(recipient as `${string}1${string}`, false)
    ok = prefix !== "age" || bech32.fromWords(words).length === 32
  } catch {
    ok = false
  }
  if (!ok) {
    throw new BridgeError(ErrorCode.Usage, `malformed age recipient ${JSON.stringify(recipient)}`, {
      hint: "an age recipient is the age1… line `sealbridge keygen` (or age-keygen -y) prints",
    })
  }
  return recipient
}
