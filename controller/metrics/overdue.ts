import { WorkQueue, type Handler, type Lane, type QueueOptions } from "../queue.js"

/**
 * When each key's pending work became due, so "how far behind is the controller" is a number.
 * Work is overdue from its due time (an event's arrival, a requeue's deadline) until a pass
 * over it finishes: waiting in the queue and running both count. A pass that failed is not
 * overdue while its backoff runs: that failure is reported by the sync metrics and the object's
 * Ready condition, and readiness must not hang on one broken object (see README "Metrics").
 */
export class DueTracker {
  readonly #now: () => number
  /** key → when its pending work is due (may lie ahead: a delayed requeue) */
  readonly #pending = new Map<string, number>()
  /** key → due time of the pass in flight */
  readonly #running = new Map<string, number>()

  constructor(now: () => number) {
    this.#now = now
  }

  /** Work for `key` is due at `at` (ms); an earlier due time already known wins. */
  due(key: string, at: number): void {
    const old = this.#pending.get(key)
    if (old === undefined || at < old) this.#pending.set(key, at)
  }

  started(key: string): void {
    this.#running.set(key, Math.min(this.#pending.get(key) ?? this.#now(), this.#now()))
    this.#pending.delete(key)
  }

  finished(key: string): void {
    this.#running.delete(key)
  }

  /**
   * Nothing counts as due before `at`: a replica that just became leader owes nothing for the
   * time another replica was doing the work (its queued keys only re-check their status).
   */
  notBefore(at: number): void {
    for (const [k, v] of this.#pending) if (v < at) this.#pending.set(k, at)
    for (const [k, v] of this.#running) if (v < at) this.#running.set(k, at)
  }

  /** Seconds the most overdue piece of work is past its due time; 0 when nothing is. */
  oldestOverdueSeconds(): number {
    const now = this.#now()
    let oldest = now
    for (const at of this.#pending.values()) if (at < oldest) oldest = at
    for (const at of this.#running.values()) if (at < oldest) oldest = at
    return (now - oldest) / 1000
  }

  /** How many keys are past due by more than `seconds`. */
  countOverdue(seconds: number): number {
    const limit = this.#now() - seconds * 1000
    let n = 0
    for (const at of this.#pending.values()) if (at < limit) n++
    for (const at of this.#running.values()) if (at < limit) n++
    return n
  }
}

/**
 * The work queue with its due times tracked. Every way work enters the queue goes through
 * `add`/`addAfter` (the queue's own timers and retries call them too), so overriding both
 * sees all of it without the queue knowing about metrics.
 */
export class TrackedQueue extends WorkQueue {
  readonly due: DueTracker
  readonly #now: () => number

  constructor(handler: Handler, opts: QueueOptions, now: () => number = Date.now) {
    const due = new DueTracker(now)
    super(async (key, signal) => {
      due.started(key)
      try {
        return await handler(key, signal)
      } finally {
        due.finished(key)
      }
    }, opts)
    this.due = due
    this.#now = now
  }

  override add(key: string, lane?: Lane): void {
    this.due.due(key, this.#now())
    super.add(key, lane)
  }

  override addAfter(key: string, ms: number, lane?: Lane): void {
    this.due.due(key, this.#now() + Math.max(0, ms))
    super.addAfter(key, ms, lane)
  }
}
