import type { ByteWindow } from "./byte-window.js"

/**
 * The lines of a text one at a time, as `text.split("\n")` would give them, without the array of
 * them all: a large file's lines are made one by one and can die young. Over a string (the tree
 * readers) or over a window on UTF-8 bytes (the one-pass readers, which never decode the whole file).
 */
export class LineCursor {
  readonly #length: number
  readonly #find: (from: number) => number
  readonly #slice: (start: number, end: number) => string
  #start: number
  #end = -1
  #line: string | undefined = undefined
  #index = 0

  private constructor(
    length: number,
    start: number,
    find: (from: number) => number,
    slice: (start: number, end: number) => string,
  ) {
    this.#length = length
    this.#start = start
    this.#find = find
    this.#slice = slice
  }

  static ofText(text: string): LineCursor {
    return new LineCursor(
      text.length,
      0,
      (from) => text.indexOf("\n", from),
      (s, e) => text.slice(s, e),
    )
  }

  /** Over a window on a file read in pieces: the lines of bytes `start`..`end`, valid UTF-8. */
  static ofWindow(window: ByteWindow, start: number, end: number): LineCursor {
    return new LineCursor(
      end,
      start,
      (from) => {
        const nl = window.indexOf(10, from)
        return nl >= end ? -1 : nl
      },
      (s, e) => window.text(s, e, "utf8"),
    )
  }

  /** The current line (without its "\n"); undefined past the last one. */
  line(): string | undefined {
    if (this.#line !== undefined || this.#start > this.#length) return this.#line
    const nl = this.#find(this.#start)
    this.#end = nl === -1 ? this.#length : nl
    this.#line = this.#slice(this.#start, this.#end)
    return this.#line
  }

  next(): void {
    if (this.line() === undefined) return
    this.#start = this.#end + 1
    this.#line = undefined
    this.#index++
  }

  /** 0-based number of the current line (of the lines passed so far). */
  get index(): number {
    return this.#index
  }
}
