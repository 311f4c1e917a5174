import {
  BridgeError,
  ErrorCode,
  openStreamed,
  type PieceProducer,
  type StreamOpening,
  type StreamOpenRequest,
} from "../src/index.js"
import { openFileSource, type FileSource } from "./file-source.js"
import { HeldOutput } from "./held-output.js"
import type { CliIO } from "./io.js"
import type { SealFlags } from "./options.js"
import { assertInPlaceWritable, writeError, type ResolvedTarget } from "./target.js"

/** The opened values turned out not to be for the one-pass path: the whole-file path takes over. */
class NotForPieces extends Error {}

/**
 * A sealed file up to this size is opened to stdout in one pass, its plaintext held in memory
 * until the MAC is checked (a sealed value is larger than its plaintext, so the output is
 * smaller than the file); a larger one is opened twice so that neither is ever held whole.
 */
export const HOLD_OUTPUT_BYTES = 32 << 20

/**
 * `decrypt` of a large sealed YAML/JSON file read in 64 KiB pieces (src/ops/decrypt-stream.ts).
 * To a file (`--output`, `-i`) the plaintext goes to a 0600 temp file beside it as it is opened,
 * renamed over the target once the MAC is checked. To stdout nothing touches the disk: a first
 * pass opens every value and checks the MAC, writing nothing, and a second pass opens them again
 * straight to stdout (printOpened) — or, for a file of at most `holdUpTo` bytes, the first pass keeps
 * the plaintext in memory and it is printed once the MAC is checked (one pass, the bench's 10,000-leaf
 * YAML opened at ~0.75× the CPU). Nothing is written, and no temp file is left, for a file
 * that fails the first pass. false: this path does not
 * apply (stdin, small files, other formats, --extract, anything the one-pass readers refuse);
 * the caller then reads the whole file as before.
 * @throws NoKeyError, BridgeError DECRYPT | MAC_MISMATCH | WRITE_OUTPUT
 */
export async function decryptInPieces(
  target: ResolvedTarget,
  flags: SealFlags,
  io: CliIO,
  request: () => StreamOpenRequest,
  holdUpTo = HOLD_OUTPUT_BYTES,
): Promise<boolean> {
  if (target.fromStdin || target.file === "/dev/stdin") return false
  const format = target.inputFormat
  if (format !== target.outputFormat || (format !== "json" && format !== "yaml")) return false
  if (flags.extract !== undefined) return false
  if (flags.inPlace === true && flags.output !== undefined) return false // the usual path reports it
  if (!io.exists(target.file)) return false
  if (flags.inPlace === true) await assertInPlaceWritable(target.file, io)
  const file = openFileSource(target.file)
  if (file === null) return false
  io.boundYoungGeneration?.()
  try {
    await io.removeStaleTemps(target.file).catch(() => undefined)
    const req = request()
    const opening = await openStreamed(req, file.source)
    if (opening === null) return false
    const produce: PieceProducer = (write) => {
      if (opening.run(write) === null) throw new NotForPieces()
    }
    try {
      const dest = flags.inPlace === true ? target.file : flags.output
      if (dest === undefined) await printOpened(io, opening, file, req.source, holdUpTo)
      else {
        try {
          await io.writeFileAtomic(dest, produce, 0o600)
        } catch (err) {
          if (err instanceof BridgeError || err instanceof NotForPieces) throw err
          throw writeError(dest, err)
        }
      }
      return true
    } catch (err) {
      if (err instanceof NotForPieces) return false
      throw err
    } finally {
      opening.dispose()
    }
  } finally {
    file.close()
  }
}

/**
 * stdout gets nothing until the MAC is checked, and the plaintext never touches the disk. A file of
 * at most `holdUpTo` bytes is opened once: its plaintext pieces are held in memory (HeldOutput) and
 * printed once the MAC is checked, then wiped. A larger one is opened twice: the first pass opens
 * every value and checks the MAC with the output dropped; the second opens them again (from the
 * same descriptor) straight to stdout. Between the passes the file could change (an editor
 * writing in place; a rename over it does not matter, the descriptor keeps the old file): the
 * file's size, mtime and ctime are compared from when it was opened (before the metadata is
 * read), before the first byte is written and after the last, and the second pass's MAC input
 * with the first's. A change before anything is written is the MAC error with nothing on stdout;
 * a change found during or after the second pass is the MAC error too, but what stdout already
 * got cannot be taken back: the message says that output is not valid, and the exit status (51)
 * is the signal to drop it.
 */
async function printOpened(
  io: CliIO,
  opening: StreamOpening,
  file: FileSource,
  source: string,
  holdUpTo: number,
): Promise<void> {
  const before = file.opened
  const held = file.source.size <= holdUpTo ? new HeldOutput(holdUpTo) : null
  let checked: string | null
  try {
    checked = opening.run(held === null ? null : (piece) => held.add(piece))
  } catch (err) {
    held?.wipe()
    throw err
  }
  if (checked === null || file.stamp() !== before) {
    held?.wipe()
    if (checked === null) throw new NotForPieces()
    throw changed(source, false)
  }
  await io.drainOut?.()
  const write = (piece: Uint8Array): void => {
    if (io.writeOutNow === undefined) io.writeOut(piece)
    else io.writeOutNow(piece)
  }
  if (held !== null && !held.overflowed) {
    // Every piece came from the bytes the MAC was checked over: a later change cannot reach them.
    try {
      for (const piece of held.pieces) write(piece)
    } finally {
      // writeOutNow has written a piece when it returns; writeOut may still hold it in a queue.
      if (io.writeOutNow !== undefined) held.wipe()
    }
    return
  }
  let digest: string | null
  try {
    digest = opening.run(write)
  } catch (err) {
    // A value that opened in the first pass and not now: the bytes changed (stdout's own errors pass).
    if (err instanceof BridgeError) throw changed(source, true, err)
    throw err
  }
  if (digest !== checked || file.stamp() !== before) throw changed(source, true)
}

function changed(source: string, written: boolean, cause?: unknown): BridgeError {
  return new BridgeError(
    ErrorCode.MacMismatch,
    written
      ? `${source}: the file changed while it was being decrypted: the output already written is not valid`
      : `${source}: the file changed while it was being decrypted`,
    {
      ...(cause === undefined ? {} : { cause }),
      hint: "run the command again once nothing else writes the file",
    },
  )
}
