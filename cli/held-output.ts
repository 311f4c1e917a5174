/**
 * Plaintext pieces held in memory until the MAC is checked, up to a bound: a sealed file whose
 * output fits is opened once (no second pass, nothing on disk); past the bound the pieces are
 * wiped and dropped, and the caller opens the file a second time straight to stdout.
 */
export class HeldOutput {
  #pieces: Uint8Array[] = []
  #bytes = 0
  #overflowed = false
  readonly #limit: number

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Keeps `piece` (not copied: the opener hands out a fresh buffer each time) or wipes it once over the bound. */
  add(piece: Uint8Array): void {
    if (!this.#overflowed) {
      this.#bytes += piece.length
      if (this.#bytes <= this.#limit) {
        this.#pieces.push(piece)
        return
      }
      this.#overflowed = true
      this.wipe()
    }
    piece.fill(0)
  }

  /** true once more than the bound was offered: what was held is gone. */
  get overflowed(): boolean {
    return this.#overflowed
  }

  /** The pieces in order (empty after an overflow or a wipe). */
  get pieces(): readonly Uint8Array[] {
    return this.#pieces
  }

  /** Zeroes and drops every held piece (plaintext does not wait for the collector). */
  wipe(): void {
    for (const p of this.#pieces) p.fill(0)
    this.#pieces = []
  }
}
