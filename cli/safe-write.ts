import { randomBytes } from "node:crypto"
import { constants, writeSync, type Stats } from "node:fs"
import { access, lstat, open, readdir, readFile, readlink, rename, rm, stat } from "node:fs/promises"
import { basename, dirname, join, resolve } from "node:path"
import { parseTempFileName, tempFileName, type PieceProducer } from "../src/index.js"
import { track, withSignalsDeferred } from "./cleanup.js"

/**
 * Writes `data` to `path` the way sops' users expect and better than sops does it:
 * - a symlink is written through: the link stays, its target gets the new content;
 * - a file the user may not write is refused (EACCES, before anything is touched), as sops does;
 * - the content goes to `.<name>.sealbridge-tmp-<pid>-<hex>` (0600) in the target's directory,
 *   is fsynced, gets the mode (and the original owner and group), and is renamed over the target:
 *   the target is always either the old or the new complete file;
 * - where no temp file can be made (a writable file in a read-only directory) or the owner
 *   cannot be kept (another user's group-writable file), the file is overwritten in place, as
 *   sops always does, see {@link overwriteInPlace}.
 * @throws the underlying Node error (EACCES, ENOSPC, …); callers turn it into WRITE_OUTPUT
 */
export async function writeFileSafely(
  path: string,
  data: Uint8Array | string | Iterable<Uint8Array> | PieceProducer,
  mode: number,
): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data
  const real = await resolveLinks(path)
  const existing = await statOrNull(real)
  if (existing !== null) await access(real, constants.W_OK)
  await removeStaleTemps(real)
  const tmp = join(dirname(real), tempFileName(basename(real), process.pid, randomBytes(6).toString("hex")))
  let handle
  try {
    handle = await open(tmp, "wx", 0o600)
  } catch (err) {
    if (existing !== null && isCode(err, "EACCES", "EPERM", "EROFS")) {
      return overwriteInPlace(real, whole(bytes), mode, existing)
    }
    throw err
  }
  const untrack = track(tmp)
  let renamed = false
  try {
    try {
      if (bytes instanceof Uint8Array) await handle.writeFile(bytes)
      // Pieces are written as they are made (a large file's sealed text is never whole in memory).
      // (FileHandle.writeFile continues at the current position and writes the whole piece.)
      else if (typeof bytes === "function") {
        // A producer pushes its pieces synchronously (a large YAML/JSON file sealed in one pass).
        const fd = handle.fd
        bytes((piece) => writeAllSync(fd, piece))
      } else for (const piece of bytes) await handle.writeFile(piece)
      await handle.chmod(mode)
      if (existing !== null && !(await keepOwner(handle, existing))) {
        await handle.close()
        // Pieces are spent by now: the temp file holds the complete content.
        const content = bytes instanceof Uint8Array ? bytes : new Uint8Array(await readFile(tmp))
        await rm(tmp, { force: true })
        return await overwriteInPlace(real, content, mode, existing)
      }
      await handle.sync()
    } finally {
      await handle.close().catch(() => undefined)
    }
    await rename(tmp, real)
    renamed = true
    await syncDir(dirname(real))
  } finally {
    if (!renamed) await rm(tmp, { force: true })
    untrack()
  }
}

/** The in-place fallback needs the whole content before it touches the file. */
const whole = (data: Uint8Array | Iterable<Uint8Array> | PieceProducer): Uint8Array => {
  if (data instanceof Uint8Array) return data
  if (typeof data !== "function") return Buffer.concat([...data])
  const pieces: Uint8Array[] = []
  data((piece) => pieces.push(piece))
  return Buffer.concat(pieces)
}

/** writeSync may write less than asked (a signal, a full disk): the rest follows, or the error. */
function writeAllSync(fd: number, piece: Uint8Array): void {
  for (let at = 0; at < piece.length;) at += writeSync(fd, piece, at, piece.length - at)
}

/** Gives the temp file the target's owner and group; false when this user may not. */
async function keepOwner(handle: Awaited<ReturnType<typeof open>>, st: Stats): Promise<boolean> {
  if (st.uid === process.getuid?.() && st.gid === process.getgid?.()) return true
  try {
    await handle.chown(st.uid, st.gid)
    return true
  } catch {
    return false
  }
}

/**
 * The fallback when a temp file is impossible: an overwrite of the existing file, made as safe
 * as a single file allows. Nothing is touched before the content is complete in memory and the
 * file is known writable; growth is written first (beyond the old end), so ENOSPC leaves the
 * old content intact (the file is cut back to its old length); catchable signals are held back
 * until the write, truncate and fsync are done. What remains possible: SIGKILL or a power loss in
 * the middle of the overwrite leaves a mix of old and new bytes — sops has that risk on every
 * write, sealbridge only here.
 */
async function overwriteInPlace(real: string, data: Uint8Array, mode: number, st: Stats): Promise<void> {
  await withSignalsDeferred(async () => {
    const handle = await open(real, "r+")
    try {
      if ((st.mode & 0o7777) !== mode) {
        try {
          await handle.chmod(mode)
        } catch (err) {
          // Plaintext must not land in a file others can read.
          if ((mode & 0o077) === 0) throw err
        }
      }
      const oldSize = st.size
      if (data.length > oldSize) {
        try {
          await handle.write(data, oldSize, data.length - oldSize, oldSize)
          await handle.sync()
        } catch (err) {
          await handle.truncate(oldSize).catch(() => undefined)
          throw err
        }
      }
      await handle.write(data, 0, Math.min(oldSize, data.length), 0)
      await handle.truncate(data.length)
      await handle.sync()
    } finally {
      await handle.close()
    }
  })
}

/** Follows a chain of symlinks to the file that is really written (it may not exist yet). */
export async function resolveLinks(path: string): Promise<string> {
  let current = resolve(path)
  for (let hops = 0; hops < 40; hops++) {
    let st
    try {
      st = await lstat(current)
    } catch {
      return current
    }
    if (!st.isSymbolicLink()) return current
    current = resolve(dirname(current), await readlink(current))
  }
  const err = new Error(`too many levels of symbolic links: ${path}`) as NodeJS.ErrnoException
  err.code = "ELOOP"
  throw err
}

/**
 * Removes temp files a dead sealbridge left beside `real` (SIGKILL, power loss). A temp file of
 * a process still running is left alone; so is anything that is not sealbridge's.
 */
export async function removeStaleTemps(real: string): Promise<void> {
  const dir = dirname(real)
  const base = basename(real)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  for (const name of names) {
    const parsed = parseTempFileName(name)
    if (parsed === null || parsed.base !== base || isAlive(parsed.pid)) continue
    await rm(join(dir, name), { force: true }).catch(() => undefined)
  }
}

export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return isCode(err, "EPERM")
  }
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path)
  } catch (err) {
    if (isCode(err, "ENOENT")) return null
    throw err
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const h = await open(dir, "r")
    try {
      await h.sync()
    } finally {
      await h.close()
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return code !== undefined && codes.includes(code)
}
