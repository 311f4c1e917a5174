import { randomBytes } from "node:crypto"
import { closeSync, fstatSync, openSync, readSync, rmSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import {
  BridgeError,
  openStreamed,
  STREAM_MIN_BYTES,
  tempFileName,
  type ByteSource,
  type PieceProducer,
  type StreamOpenRequest,
} from "../src/index.js"
import { track } from "./cleanup.js"
import type { CliIO } from "./io.js"
import type { SealFlags } from "./options.js"
import { removeStaleTemps } from "./safe-write.js"
import { assertInPlaceWritable, writeError, type ResolvedTarget } from "./target.js"

/** The opened values turned out not to be for the one-pass path: the whole-file path takes over. */
class NotForPieces extends Error {}

/**
 * `decrypt` of a large sealed YAML/JSON file read in 64 KiB pieces (src/ops/decrypt-stream.ts):
 * the plaintext goes to a 0600 temp file as it is opened, and only once the MAC is checked does
 * it become the result: renamed over `--output` / the file itself (`-i`), or copied to stdout.
 * Nothing is written, and no temp file is left, for a file that fails. false: this path does not
 * apply (stdin, small files, other formats, --extract, anything the one-pass readers refuse);
 * the caller then reads the whole file as before.
 * @throws NoKeyError, BridgeError DECRYPT | MAC_MISMATCH | WRITE_OUTPUT
 */
export async function decryptInPieces(
  target: ResolvedTarget,
  flags: SealFlags,
  io: CliIO,
  request: () => StreamOpenRequest,
): Promise<boolean> {
  if (target.fromStdin || target.file === "/dev/stdin") return false
  const format = target.inputFormat
  if (format !== target.outputFormat || (format !== "json" && format !== "yaml")) return false
  if (flags.extract !== undefined) return false
  if (flags.inPlace === true && flags.output !== undefined) return false // the usual path reports it
  if (!io.exists(target.file)) return false
  if (flags.inPlace === true) await assertInPlaceWritable(target.file, io)
  const file = openFile(target.file)
  if (file === null) return false
  try {
    await io.removeStaleTemps(target.file).catch(() => undefined)
    const opening = await openStreamed(request(), file.source)
    if (opening === null) return false
    const produce: PieceProducer = (write) => {
      if (!opening.run(write)) throw new NotForPieces()
    }
    try {
      const dest = flags.inPlace === true ? target.file : flags.output
      if (dest === undefined) await writeOutStaged(io, basename(target.name), produce)
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

/** A regular file of at least STREAM_MIN_BYTES, read with pread; null for anything else. */
function openFile(path: string): { source: ByteSource; close(): void } | null {
  let fd: number
  try {
    fd = openSync(path, "r")
  } catch {
    return null // the usual path reports it in its words
  }
  const st = fstatSync(fd)
  if (!st.isFile() || st.size < STREAM_MIN_BYTES) {
    closeSync(fd)
    return null
  }
  const source: ByteSource = {
    size: st.size,
    read: (into, position) => readSync(fd, into, 0, into.length, position),
  }
  return { source, close: () => closeSync(fd) }
}

const COPY_BYTES = 1 << 16

/**
 * stdout gets nothing until the MAC is checked: the plaintext is staged in a 0600 file in the
 * temp directory, named as every sealbridge temp file (`.<name>.sealbridge-tmp-<pid>-<hex>`) and
 * unlinked as soon as it is open, so not even SIGKILL leaves it behind; it is then copied out.
 */
async function writeOutStaged(io: CliIO, base: string, produce: PieceProducer): Promise<void> {
  const dir = tmpdir()
  await removeStaleTemps(join(dir, base))
  const tmp = join(dir, tempFileName(base, process.pid, randomBytes(6).toString("hex")))
  const untrack = track(tmp)
  let fd: number
  try {
    fd = openSync(tmp, "wx+", 0o600)
  } catch (err) {
    untrack()
    throw writeError(tmp, err, "cannot stage the output")
  }
  try {
    rmSync(tmp, { force: true })
    untrack()
    let size = 0
    try {
      produce((piece) => {
        for (let at = 0; at < piece.length;) at += writeSync(fd, piece, at, piece.length - at)
        size += piece.length
      })
    } catch (err) {
      if (err instanceof BridgeError || err instanceof NotForPieces) throw err
      throw writeError(tmp, err, "cannot stage the output")
    }
    for (let at = 0; at < size;) {
      // A fresh buffer per piece: stdout may still hold the last one when it is a pipe.
      const piece = Buffer.allocUnsafe(Math.min(COPY_BYTES, size - at))
      const n = readSync(fd, piece, 0, piece.length, at)
      if (n === 0) break
      io.writeOut(n === piece.length ? piece : piece.subarray(0, n))
      at += n
      await io.drainOut?.()
    }
  } finally {
    closeSync(fd)
    rmSync(tmp, { force: true })
    untrack()
  }
}
