/** Pieces of output pushed, in order, to `write` as they are made (each written before the next). */
export type PieceProducer = (write: (piece: Uint8Array) => void) => void

/** Below this many characters text is gathered before it becomes one piece of output. */
const PIECE_CHARS = 1 << 16

/**
 * Gathers output text and hands it on in pieces of about 64 KiB: small enough to die young in
 * V8's scavenges, large enough that each write is worth its call. `null` as the writer: a
 * checking pass, whose text is dropped.
 */
export class PieceSink {
  #text = ""
  readonly #write: ((piece: Uint8Array) => void) | null

  constructor(write: ((piece: Uint8Array) => void) | null) {
    this.#write = write
  }

  add(text: string): void {
    if (this.#write === null) return
    this.#text += text
    if (this.#text.length >= PIECE_CHARS) this.flush()
  }

  flush(): void {
    if (this.#write === null || this.#text === "") return
    const piece = Buffer.from(this.#text, "utf8")
    this.#text = ""
    this.#write(piece)
  }
}
