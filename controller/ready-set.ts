/**
 * Priority lanes of the work queue: `urgent` (an object created or changed, its Secret missing or
 * drifted, a store edited) is always taken before `periodic` (a refresh timer came due), so a new
 * ExternalSecret does not wait behind thousands of due refreshes (ESO issues 2878, 4180, 6019).
 */
export const Lane = { Urgent: "urgent", Periodic: "periodic" } as const
export type Lane = (typeof Lane)[keyof typeof Lane]

/** Lanes in the order work is taken from them. */
export const LANES: readonly Lane[] = [Lane.Urgent, Lane.Periodic]

/** The more urgent of two lanes. */
export function higherLane(a: Lane, b: Lane | undefined): Lane {
  return b === undefined || LANES.indexOf(a) <= LANES.indexOf(b) ? a : b
}

/** Group of a key that is not bound to any store (never capped). */
export const NO_GROUP = ""

interface Entry {
  readonly lane: Lane
  readonly group: string
  readonly seq: number
}

interface Fifo {
  readonly items: { readonly key: string; readonly seq: number }[]
  head: number
}

/**
 * The keys waiting for a worker, each at most once, in one FIFO per (lane, group). `take` returns
 * the oldest key of the most urgent lane whose group (store) has capacity, so keys of a store at
 * its concurrency cap wait without blocking other stores' keys behind them. Moving a key to a
 * more urgent lane leaves a stale item behind, skipped when it reaches the head.
 */
export class ReadySet {
  readonly #entries = new Map<string, Entry>()
  readonly #fifos = new Map<Lane, Map<string, Fifo>>(LANES.map((l) => [l, new Map()]))
  readonly #sizes = new Map<Lane, number>(LANES.map((l) => [l, 0]))
  #seq = 0

  get size(): number {
    return this.#entries.size
  }

  sizeOf(lane: Lane): number {
    return this.#sizes.get(lane) ?? 0
  }

  has(key: string): boolean {
    return this.#entries.has(key)
  }

  /** Queues `key` in `lane`, or moves it up when it waits in a less urgent lane. */
  push(key: string, lane: Lane, group: string): void {
    const old = this.#entries.get(key)
    if (old !== undefined) {
      if (higherLane(old.lane, lane) === old.lane) return
      this.#count(old.lane, -1)
    }
    const entry = { lane, group, seq: this.#seq++ }
    this.#entries.set(key, entry)
    this.#count(lane, 1)
    const fifos = this.#fifos.get(lane) as Map<string, Fifo>
    let fifo = fifos.get(entry.group)
    if (fifo === undefined) fifos.set(entry.group, (fifo = { items: [], head: 0 }))
    fifo.items.push({ key, seq: entry.seq })
  }

  /** Removes and returns the next key whose group `open` admits, or undefined when none may run. */
  take(open: (group: string) => boolean): { key: string; group: string } | undefined {
    for (const lane of LANES) {
      const fifos = this.#fifos.get(lane) as Map<string, Fifo>
      let best: { group: string; fifo: Fifo; seq: number } | undefined
      for (const [group, fifo] of fifos) {
        const head = this.#head(lane, group, fifo, fifos)
        if (head !== undefined && open(group) && (best === undefined || head.seq < best.seq))
          best = { group, fifo, seq: head.seq }
      }
      if (best === undefined) continue
      const item = best.fifo.items[best.fifo.head] as { key: string }
      this.#advance(best.fifo, best.group, fifos)
      this.#entries.delete(item.key)
      this.#count(lane, -1)
      return { key: item.key, group: best.group }
    }
    return undefined
  }

  clear(): void {
    this.#entries.clear()
    for (const l of LANES) {
      this.#fifos.get(l)?.clear()
      this.#sizes.set(l, 0)
    }
  }

  /** The live head of a FIFO, dropping stale items (keys moved to another lane or taken). */
  #head(lane: Lane, group: string, fifo: Fifo, fifos: Map<string, Fifo>) {
    for (;;) {
      const item = fifo.items[fifo.head]
      if (item === undefined) return undefined
      const e = this.#entries.get(item.key)
      if (e !== undefined && e.lane === lane && e.seq === item.seq) return item
      if (!this.#advance(fifo, group, fifos)) return undefined
    }
  }

  /** Steps past the head; false when the FIFO is now empty (and forgotten). */
  #advance(fifo: Fifo, group: string, fifos: Map<string, Fifo>): boolean {
    fifo.head++
    if (fifo.head >= fifo.items.length) {
      fifos.delete(group)
      return false
    }
    if (fifo.head > 1024 && fifo.head * 2 > fifo.items.length) {
      fifo.items.splice(0, fifo.head)
      fifo.head = 0
    }
    return true
  }

  #count(lane: Lane, d: number): void {
    this.#sizes.set(lane, (this.#sizes.get(lane) ?? 0) + d)
  }
}
