/**
 * Holds reconciles back until this replica leads. Standbys keep their watches and caches warm
 * and queue work (deduplicated by key), but no reconcile runs, so nothing is written and no
 * provider is called; when the gate opens the queued keys run and each is scheduled from its
 * status (due, changed or drifted objects sync, the others only requeue).
 */
export class LeaderGate {
  #open = false
  readonly #waiters = new Set<() => void>()

  get isOpen(): boolean {
    return this.#open
  }

  open(): void {
    this.#open = true
    for (const w of this.#waiters) w()
    this.#waiters.clear()
  }

  /** Later reconciles wait again (the one in flight is aborted by its caller). */
  close(): void {
    this.#open = false
  }

  /** Resolves true once the gate is open, false when `signal` aborts first. */
  wait(signal: AbortSignal): Promise<boolean> {
    if (this.#open) return Promise.resolve(true)
    if (signal.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#waiters.delete(done)
        resolve(false)
      }
      const done = (): void => {
        signal.removeEventListener("abort", onAbort)
        resolve(true)
      }
      this.#waiters.add(done)
      signal.addEventListener("abort", onAbort, { once: true })
    })
  }
}
