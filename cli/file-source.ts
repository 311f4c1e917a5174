import { closeSync, fstatSync, openSync, readSync } from "node:fs"
import { STREAM_MIN_BYTES, type ByteSource } from "../src/index.js"

/** A large file open for reading in pieces (pread), never read whole. */
export interface FileSource {
  readonly source: ByteSource
  /** The file's size, modification and change times (ns), from fstat on the open descriptor. */
  stamp(): string
  /** stamp() when the file was opened, before anything was read. */
  readonly opened: string
  close(): void
}

/**
 * A regular file of at least `minBytes` (default STREAM_MIN_BYTES), read with pread; null for anything else (a small
 * file, a pipe, a file that cannot be opened: the whole-file path reads it and reports errors in
 * its words). Readers that read it twice compare stamp() with `opened`: a file written in place
 * meanwhile may have given the passes different bytes (a rename over it does not matter, the
 * descriptor keeps the old file).
 */
export function openFileSource(path: string, minBytes = STREAM_MIN_BYTES): FileSource | null {
  let fd: number
  try {
    fd = openSync(path, "r")
  } catch {
    return null
  }
  const st = fstatSync(fd)
  if (!st.isFile() || st.size < minBytes) {
    closeSync(fd)
    return null
  }
  const source: ByteSource = {
    size: st.size,
    read: (into, position) => readSync(fd, into, 0, into.length, position),
  }
  const stamp = (): string => {
    const s = fstatSync(fd, { bigint: true })
    return `${String(s.size)}:${String(s.mtimeNs)}:${String(s.ctimeNs)}`
  }
  return { source, stamp, opened: stamp(), close: () => closeSync(fd) }
}
