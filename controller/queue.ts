import type { ReconcileResult } from "./reconcile/deps.js"
import { higherLane, Lane, NO_GROUP, ReadySet } from "./ready-set.js"

export { Lane, LANES } from "./ready-set.js"

export interface QueueOptions {
  readonly concurrency: number
  readonly baseBackoffMs: number
  readonly maxBackoffMs: number
  readonly random: () => number
  /** Called for a handler that throws (the key is retried with backoff). */
  readonly onError: (key: string, err: unknown) => void
  /** Lane of a key that becomes ready without an explicit lane (default: periodic). */
  readonly laneOf?: (key: string) => Lane
  /** The store a key's reconcile calls (undefined: none); reconciles per store are capped. */
  readonly groupOf?: (key: string) => string | undefined
  /** Reconciles in flight per store (default: no cap). */
  readonly groupConcurrency?: number
  /**
   * A store-bound reconcile still running after this long gives its worker back: it keeps its
   * key and its store's slot, but no longer counts against `concurrency` (default: never).
   */
  readonly releaseAfterMs?: number
}

export type Handler = (key: string, signal: AbortSignal) => Promise<ReconcileResult>

interface Running {
  readonly group: string
  released: boolean
  timer: NodeJS.Timeout | undefined
}

/**
 * Keyed work queue: a key is queued at most once, never processed by two workers at once (an
 * add during processing re-runs it afterwards), failures back off per key (exponential with
 * jitter), and delayed requeues keep only the earliest timer per key.
 *
 * Scheduling: urgent keys go before periodic ones; a store never has more than
 * `groupConcurrency` reconciles in flight, and its waiting keys do not hold up other stores';
 * a store-bound reconcile that hangs releases its worker after `releaseAfterMs`, so a slow
 * store ties up at most its own slots, never the workers other stores need.
 */
export class WorkQueue {
  readonly #opts: QueueOptions
  readonly #handler: Handler
  readonly #ready = new ReadySet()
  readonly #active = new Map<string, Running>()
  readonly #groupActive = new Map<string, number>()
  /**
   * Keys added while in flight, with the lane to re-run them in; null: decided by `laneOf` when
   * the run ends (an add while in flight is mostly the echo of the run's own writes: classified
   * then, the object is usually in line again and the re-run goes periodic).
   */
  readonly #dirty = new Map<string, Lane | null>()
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>()
  readonly #failures = new Map<string, number>()
  readonly #abort = new AbortController()
  readonly #running = new Set<Promise<void>>()
  /** Workers in use: in-flight reconciles that have not released theirs. */
  #busy = 0
  #stopped = false
  processed = 0

  constructor(handler: Handler, opts: QueueOptions) {
    this.#handler = handler
    this.#opts = opts
  }

  /** Keys waiting for a worker (all lanes). */
  get depth(): number {
    return this.#ready.size
  }

  /** Keys waiting for a worker in one lane. */
  depthOf(lane: Lane): number {
    return this.#ready.sizeOf(lane)
  }

  /** Reconciles in flight (including released ones). */
  get inFlight(): number {
    return this.#active.size
  }

  /** Reconciles in flight for one store (the key `groupOf` returns). */
  inFlightOf(group: string): number {
    return this.#groupActive.get(group) ?? 0
  }

  add(key: string, lane?: Lane): void {
    if (this.#stopped) return
    const t = this.#timers.get(key)
    if (t !== undefined) {
      clearTimeout(t.timer)
      this.#timers.delete(key)
    }
    if (this.#active.has(key)) {
      const prev = this.#dirty.get(key) ?? null
      this.#dirty.set(key, lane === undefined ? prev : higherLane(lane, prev ?? undefined))
      return
    }
    const l = lane ?? this.#opts.laneOf?.(key) ?? Lane.Periodic
    this.#ready.push(key, l, this.#opts.groupOf?.(key) ?? NO_GROUP)
    this.#pump()
  }

  /** Queues `key` after `ms`; its lane is decided when the timer fires unless given. */
  addAfter(key: string, ms: number, lane?: Lane): void {
    if (this.#stopped) return
    if (ms <= 0) return this.add(key, lane)
    const at = Date.now() + ms
    const old = this.#timers.get(key)
    if (old !== undefined) {
      if (old.at <= at) return
      clearTimeout(old.timer)
    }
    const timer = setTimeout(() => {
      this.#timers.delete(key)
      this.add(key, lane)
    }, ms)
    timer.unref()
    this.#timers.set(key, { at, timer })
  }

  /** Stops taking work, aborts in-flight reconciles after `graceMs`, and waits for them. */
  async shutdown(graceMs: number): Promise<void> {
    this.#stopped = true
    for (const t of this.#timers.values()) clearTimeout(t.timer)
    this.#timers.clear()
    this.#ready.clear()
    const abort = setTimeout(() => this.#abort.abort(), graceMs)
    await Promise.allSettled([...this.#running])
    clearTimeout(abort)
  }

  #open = (group: string): boolean =>
    group === NO_GROUP ||
    this.#opts.groupConcurrency === undefined ||
    (this.#groupActive.get(group) ?? 0) < this.#opts.groupConcurrency

  #pump(): void {
    while (!this.#stopped && this.#busy < this.#opts.concurrency) {
      const next = this.#ready.take(this.#open)
      if (next === undefined) return
      this.#start(next.key, next.group)
    }
  }

  #start(key: string, group: string): void {
    const state: Running = { group, released: false, timer: undefined }
    this.#active.set(key, state)
    this.#busy++
    this.#groupActive.set(group, (this.#groupActive.get(group) ?? 0) + 1)
    const release = this.#opts.releaseAfterMs
    if (group !== NO_GROUP && release !== undefined) {
      state.timer = setTimeout(() => {
        state.released = true
        this.#busy--
        this.#pump()
      }, release)
      state.timer.unref()
    }
    const run = this.#process(key).finally(() => {
      clearTimeout(state.timer)
      this.#running.delete(run)
      this.#active.delete(key)
      if (!state.released) this.#busy--
      const n = (this.#groupActive.get(group) ?? 1) - 1
      if (n === 0) this.#groupActive.delete(group)
      else this.#groupActive.set(group, n)
      const again = this.#dirty.get(key)
      if (again !== undefined) {
        this.#dirty.delete(key)
        this.add(key, again ?? undefined)
      }
      this.#pump()
    })
    this.#running.add(run)
  }

  async #process(key: string): Promise<void> {
    let result: ReconcileResult
    try {
      result = await this.#handler(key, this.#abort.signal)
    } catch (err) {
      this.#opts.onError(key, err)
      result = { retry: true }
    }
    this.processed++
    if (result.retry === true) {
      const n = (this.#failures.get(key) ?? 0) + 1
      this.#failures.set(key, n)
      const backoff = Math.min(this.#opts.maxBackoffMs, this.#opts.baseBackoffMs * 2 ** (n - 1))
      this.addAfter(key, Math.round(backoff * (0.9 + 0.2 * this.#opts.random())))
      return
    }
    this.#failures.delete(key)
    if (result.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs)
  }
}
