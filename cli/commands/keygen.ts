import { mkdir } from "node:fs/promises"
import { dirname } from "node:path"
import { ageRecipientOf, BridgeError, ErrorCode, generateAgeIdentity } from "../../src/index.js"
import type { CliIO } from "../io.js"
import { defaultAgeKeyFile } from "../user-config-dir.js"

/**
 * Writes a new age identity (0600, never over an existing file) in the age-keygen layout and
 * prints its recipient: the embedded default that needs no cloud account.
 */
export async function runKeygen(flags: { output?: string }, io: CliIO): Promise<void> {
  const file = flags.output ?? defaultAgeKeyFile(io)
  if (io.exists(file)) {
    throw new BridgeError(ErrorCode.Usage, `${file}: a key file already exists; refusing to overwrite it`, {
      hint: "pass -o <file> to write the new key elsewhere",
    })
  }
  const identity = await generateAgeIdentity()
  const recipient = await ageRecipientOf(identity)
  const text = `# created: ${io
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")}\n# public key: ${recipient}\n${identity}\n`
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 })
    await io.writeFileAtomic(file, text, 0o600)
  } catch (err) {
    throw new BridgeError(ErrorCode.WriteOutput, `${file}: cannot write key file`, { cause: err })
  }
  io.writeErr(`wrote age identity to ${file}\n`)
  io.writeOut(recipient + "\n")
}
