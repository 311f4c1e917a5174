/**
 * A file's bytes read on demand, so that a large sealed file is opened in pieces instead of
 * whole. `read` is synchronous (the one-pass readers are): the CLI passes `fs.readSync` on an
 * open descriptor, tests and in-memory callers {@link bytesSource}.
 */
export interface ByteSource {
  /** The size when the reading started; reading stops at the first short read either way. */
  readonly size: number
  /** Reads up to `into.length` bytes at `position` into `into`; how many (0 at the end). */
  read(into: Uint8Array, position: number): number
}

/** A source over bytes already in memory (a whole-file window reads them without a copy). */
export class BytesSource implements ByteSource {
  readonly bytes: Buffer
  constructor(bytes: Uint8Array) {
    this.bytes = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  get size(): number {
    return this.bytes.length
  }
  read(into: Uint8Array, position: number): number {
    if (position >= this.bytes.length) return 0
    return this.bytes.copy(into, 0, position, Math.min(this.bytes.length, position + into.length))
  }
}

/** Bytes `start`..`end` of a source (a small range: the metadata block). */
export function readRange(source: ByteSource, start: number, end: number): Buffer {
  if (source instanceof BytesSource) return source.bytes.subarray(start, end)
  const out = Buffer.alloc(Math.max(0, end - start))
  for (let at = 0; at < out.length;) {
    const n = source.read(out.subarray(at), start + at)
    if (n === 0) return out.subarray(0, at)
    at += n
  }
  return out
}

/**
 * Where the last occurrence of `needle` starts in the source, searching from the end in pieces
 * of `piece` bytes (a sealed YAML file's `sops:` block is at its end); -1 when it is not there.
 */
export function lastIndexIn(source: ByteSource, needle: Buffer, piece = 1 << 16): number {
  if (source instanceof BytesSource) return source.bytes.lastIndexOf(needle)
  const overlap = needle.length - 1
  for (let end = source.size; end > 0;) {
    const start = Math.max(0, end - piece)
    // Each piece also holds the next one's first bytes, so a needle across the cut is found.
    const bytes = readRange(source, start, Math.min(source.size, end + overlap))
    const at = bytes.lastIndexOf(needle)
    if (at !== -1) return start + at
    end = start
  }
  return -1
}
