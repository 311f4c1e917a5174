import { extractStreamed, type StreamOpenRequest } from "../src/index.js"
import type { CliIO } from "./io.js"
import { openFileSource } from "./file-source.js"
import type { SealFlags } from "./options.js"
import { writeResult, type ResolvedTarget } from "./target.js"

/**
 * `decrypt --extract` of a large sealed YAML/JSON file read in 64 KiB pieces
 * (src/ops/extract-stream.ts): only the extracted part is kept, and printed (or written to
 * `--output`) once the MAC is checked. false: this path does not apply (stdin, `-i`, small
 * files, other formats, anything the one-pass readers refuse); the caller reads the whole file.
 * @throws NoKeyError, BridgeError DECRYPT | MAC_MISMATCH | EXTRACT_MISSING | EMIT | WRITE_OUTPUT
 */
export async function extractInPieces(
  target: ResolvedTarget,
  flags: SealFlags,
  io: CliIO,
  request: () => StreamOpenRequest,
): Promise<boolean> {
  if (target.fromStdin || target.file === "/dev/stdin" || flags.inPlace === true) return false
  if (target.inputFormat !== "json" && target.inputFormat !== "yaml") return false
  if (flags.extract === undefined || !io.exists(target.file)) return false
  const file = openFileSource(target.file)
  if (file === null) return false
  io.boundYoungGeneration?.()
  let plain: Uint8Array | null
  try {
    plain = await extractStreamed(request(), file.source)
  } finally {
    file.close()
  }
  if (plain === null) return false
  await writeResult({ path: target.path }, flags, plain, io, true)
  return true
}
