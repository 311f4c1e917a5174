const EMPTY = new Int32Array(0)

/** Keys a map may hold before its duplicate check keeps 63-bit hashes instead of the keys. */
const EXACT_KEYS = 4096

/**
 * The keys seen in one map, for the duplicate-key check. A large map (a generated file's top
 * level has hundreds of thousands of keys) keeps a 63-bit hash of each key in a flat table, 8
 * bytes a key instead of a string and a Set entry (~70 bytes). A hash may match a different key:
 * `has` then says true, the reader treats the key as a duplicate and hands the file over to the
 * tree readers, which find out exactly. It never says false for a key that was added.
 */
export class KeySet {
  #exact: Set<string> | null = new Set()
  #table = EMPTY
  #count = 0

  /** True when `key` was added (or, in a large map, a key with the same hash was). */
  has(key: string): boolean {
    if (this.#exact !== null) return this.#exact.has(key)
    const [a, b] = hash(key)
    return this.#find(a, b) === -1
  }

  add(key: string): void {
    if (this.#exact !== null) {
      this.#exact.add(key)
      if (this.#exact.size < EXACT_KEYS) return
      const keys = this.#exact
      this.#exact = null
      this.#table = new Int32Array(EXACT_KEYS * 8)
      for (const k of keys) this.#insert(...hash(k))
      return
    }
    this.#insert(...hash(key))
  }

  #insert(a: number, b: number): void {
    const at = this.#find(a, b)
    if (at === -1) return
    this.#table[at] = a
    this.#table[at + 1] = b
    // Kept at most half full, so a probe ends soon at an empty slot.
    if (++this.#count * 4 > this.#table.length) this.#grow()
  }

  /** The slot (index of its first word) where (a, b) belongs; -1 when it is there already. */
  #find(a: number, b: number): number {
    const t = this.#table
    const mask = t.length / 2 - 1
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 2
      const x = t[at] ?? 0
      const y = t[at + 1] ?? 0
      if (x === a && y === b) return -1
      if (y === 0) return at // b is odd, so an empty slot is the only one with a zero second word
    }
  }

  #grow(): void {
    const old = this.#table
    this.#table = new Int32Array(old.length * 2)
    for (let at = 0; at < old.length; at += 2) {
      const b = old[at + 1] ?? 0
      if (b === 0) continue
      const to = this.#find(old[at] ?? 0, b)
      this.#table[to] = old[at] ?? 0
      this.#table[to + 1] = b
    }
  }
}

/** Two FNV-1a hashes of the UTF-16 code units; the second is made odd (never 0). */
function hash(key: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15)
  }
  return [a | 0, b | 1 | 0]
}
