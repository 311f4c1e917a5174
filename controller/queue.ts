import type { ReconcileResult } from "./reconcile/deps.js"

export interface QueueOptions {
  readonly concurrency: number
  readonly baseBackoffMs: number
  readonly maxBackoffMs: number
  readonly random: () => number
  /** Called for a handler that throws (the key is retried with backoff). */
  readonly onError: (key: string, err: unknown) => void
}

export type Handler = (key: string, signal: AbortSignal) => Promise<ReconcileResult>

/**
 * Keyed work queue: a key is queued at most once, never processed by two workers at once (an
 * add during processing re-runs it afterwards), failures back off per key (exponential with
 * jitter), and delayed requeues keep only the earliest timer per key.
 */
export class WorkQueue {
  readonly #opts: QueueOptions
  readonly #handler: Handler
  readonly #ready: string[] = []
  readonly #queued = new Set<string>()
  readonly #active = new Set<string>()
  readonly #dirty = new Set<string>()
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>()
  readonly #failures = new Map<string, number>()
  readonly #abort = new AbortController()
  readonly #running = new Set<Promise<void>>()
  #stopped = false
  processed = 0

  constructor(handler: Handler, opts: QueueOptions) {
    this.#handler = handler
    this.#opts = opts
  }

  get depth(): number {
    return this.#ready.length
  }

  add(key: string): void {
    if (this.#stopped) return
    const t = this.#timers.get(key)
    if (t !== undefined) {
      clearTimeout(t.timer)
      this.#timers.delete(key)
    }
    if (this.#active.has(key)) {
      this.#dirty.add(key)
      return
    }
    if (this.#queued.has(key)) return
    this.#queued.add(key)
    this.#ready.push(key)
    this.#pump()
  }

  addAfter(key: string, ms: number): void {
    if (this.#stopped) return
    if (ms <= 0) return this.add(key)
    const at = Date.now() + ms
    const old = this.#timers.get(key)
    if (old !== undefined) {
      if (old.at <= at) return
      clearTimeout(old.timer)
    }
    const timer = setTimeout(() => {
      this.#timers.delete(key)
      this.add(key)
    }, ms)
    timer.unref()
    this.#timers.set(key, { at, timer })
  }

  /** Stops taking work, aborts in-flight reconciles after `graceMs`, and waits for them. */
  async shutdown(graceMs: number): Promise<void> {
    this.#stopped = true
    for (const t of this.#timers.values()) clearTimeout(t.timer)
    this.#timers.clear()
    this.#ready.length = 0
    const abort = setTimeout(() => this.#abort.abort(), graceMs)
    await Promise.allSettled([...this.#running])
    clearTimeout(abort)
  }

  #pump(): void {
    while (!this.#stopped && this.#active.size < this.#opts.concurrency && this.#ready.length > 0) {
      const key = this.#ready.shift() as string
      this.#queued.delete(key)
      this.#active.add(key)
      const run = this.#process(key).finally(() => {
        this.#running.delete(run)
        this.#active.delete(key)
        if (this.#dirty.delete(key)) this.add(key)
        this.#pump()
      })
      this.#running.add(run)
    }
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
