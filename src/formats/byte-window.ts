import { isUtf8 } from "node:buffer"
import { BytesSource, type ByteSource } from "./byte-source.js"

/** The bytes a large sealed file is read in at a time. */
export const PIECE_BYTES = 1 << 16

export interface WindowOptions {
  /** Bytes read at a time (tests use a few, to cut every token somewhere). */
  readonly piece?: number
  /** Where reading starts and stops (a YAML file's data part ends before its `sops:` block). */
  readonly start?: number
  readonly end?: number
  /** Sees every new piece, in order, and once at the end (null); throws to refuse the input. */
  readonly check?: (piece: Buffer | null) => void
}

/**
 * A window on a source's bytes for a one-pass reader, addressed by absolute position: the
 * reader asks for the byte at `p` and says from where it still needs the bytes (`keep`, the
 * start of the token it is in); the window drops what lies before and reads the next piece. It
 * holds about one piece, more only while a single token (a long value) is longer. Over bytes
 * already in memory it is the whole of them, without a copy.
 */
export class ByteWindow {
  #buf: Buffer
  /** Absolute position of #buf[0]. */
  #base: number
  #len: number
  #eof: boolean
  readonly #source: ByteSource
  readonly #end: number
  readonly #piece: number
  readonly #check: ((piece: Buffer | null) => void) | undefined

  constructor(source: ByteSource, opts: WindowOptions = {}) {
    this.#source = source
    const start = opts.start ?? 0
    this.#end = Math.min(opts.end ?? source.size, source.size)
    this.#piece = Math.max(1, opts.piece ?? PIECE_BYTES)
    this.#check = opts.check
    this.#base = start
    if (source instanceof BytesSource && opts.piece === undefined) {
      this.#buf = source.bytes
      this.#base = 0
      this.#len = this.#end
      this.#eof = true
      this.#check?.(source.bytes.subarray(start, this.#end))
      this.#check?.(null)
    } else {
      this.#buf = Buffer.allocUnsafe(this.#piece)
      this.#len = 0
      this.#eof = false
    }
  }

  /** The byte at `p` (undefined past the end); bytes before `keep` (≤ p) may be dropped. */
  at(p: number, keep: number): number | undefined {
    const r = p - this.#base
    if (r < this.#len) return this.#buf[r]
    return this.#fill(p, keep) ? this.#buf[p - this.#base] : undefined
  }

  /** Whether the string stringEnd() last found holds a backslash escape. */
  escaped = false

  /**
   * Where the JSON string whose text starts at `p` ends (its closing quote), scanning the
   * window's bytes directly (the hot loop of a sealed JSON file: its ENC[...] values); -1 at a
   * control character or the end of the input. Keeps from `keep` (the opening quote).
   */
  stringEnd(p: number, keep: number): number {
    this.escaped = false
    for (let at = p; ;) {
      const buf = this.#buf
      const len = this.#len
      const base = this.#base
      let r = at - base
      while (r < len) {
        const c = buf[r] ?? 0
        if (c === 0x22) return base + r
        if (c < 0x20) return -1
        if (c === 0x5c) {
          this.escaped = true
          r += 2 // the escaped character is JSON.parse's to check
        } else r++
      }
      at = base + r
      if (!this.#fill(at, keep)) return -1
    }
  }

  /** Where the next `byte` at or after `from` is (-1: none before the end); keeps from `from`. */
  indexOf(byte: number, from: number): number {
    for (let at = from; ;) {
      const r = this.#buf.indexOf(byte, at - this.#base)
      if (r !== -1 && r < this.#len) return this.#base + r
      at = this.#base + this.#len
      if (!this.#fill(at, from)) return -1
    }
  }

  /** Text of bytes `start`..`end`, which the reader kept (start ≥ its last `keep`). */
  text(start: number, end: number, encoding: "utf8" | "latin1"): string {
    if (end > this.#base + this.#len && end > start) this.#fill(end - 1, start)
    const stop = Math.min(end - this.#base, this.#len)
    return this.#buf.toString(encoding, start - this.#base, Math.max(stop, start - this.#base))
  }

  /** Reads until `p` is in the window; false at the end of the input. */
  #fill(p: number, keep: number): boolean {
    while (p - this.#base >= this.#len) {
      if (this.#eof) return false
      const drop = keep - this.#base
      if (drop > 0) {
        this.#buf.copy(this.#buf, 0, drop, this.#len)
        this.#base = keep
        this.#len -= drop
      }
      // A token longer than the room left: the window grows (by doubling) to hold it.
      if (this.#buf.length - this.#len < this.#piece) {
        const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + this.#piece))
        this.#buf.copy(bigger, 0, 0, this.#len)
        this.#buf = bigger
      }
      const at = this.#base + this.#len
      const want = Math.min(this.#buf.length - this.#len, this.#end - at)
      const n = want <= 0 ? 0 : this.#source.read(this.#buf.subarray(this.#len, this.#len + want), at)
      if (n === 0) {
        this.#eof = true
        this.#check?.(null)
        return false
      }
      this.#check?.(this.#buf.subarray(this.#len, this.#len + n))
      this.#len += n
    }
    return true
  }
}

/**
 * Checks text read in pieces as the whole-input checks did: valid UTF-8 (a character cut by a
 * piece boundary is checked with the next piece) and, for YAML's line reader, no tab, carriage
 * return or U+FEFF (a leading byte-order mark is skipped before the window starts).
 */
export function textCheck(refuse: () => never, lineRules: boolean): (piece: Buffer | null) => void {
  let carry: Buffer | null = null
  return (piece) => {
    if (piece === null) {
      if (carry !== null) refuse()
      return
    }
    const all = carry === null ? piece : Buffer.concat([carry, piece])
    const cut = completeLength(all)
    const whole = all.subarray(0, cut)
    if (!isUtf8(whole)) refuse()
    if (lineRules && (whole.indexOf(9) !== -1 || whole.indexOf(13) !== -1 || whole.indexOf(BOM) !== -1))
      refuse()
    carry = cut === all.length ? null : Buffer.from(all.subarray(cut))
  }
}

const BOM = Buffer.from("\ufeff")

/** The length of `b` without a trailing UTF-8 sequence that is not complete yet. */
function completeLength(b: Buffer): number {
  for (let k = b.length - 1; k >= 0 && k >= b.length - 3; k--) {
    const c = b[k] ?? 0
    if (c < 0x80) return b.length
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2
      return b.length - k < need ? k : b.length
    }
  }
  return b.length
}
