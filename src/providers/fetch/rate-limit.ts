import type { Clock } from "./clock.js"

export interface RateLimitOptions {
  /** sustained calls per second for the store (size it under the provider's quota) */
  readonly ratePerSecond: number
  readonly burst: number
  /** first pause after a throttling answer; doubles per consecutive throttle */
  readonly backoffMs: number
  readonly maxBackoffMs: number
}

/** AWS Secrets Manager allows 10,000 GetSecretValue/s per account; stay far below by default. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  ratePerSecond: 50,
  burst: 100,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
}

/**
 * A token bucket per store/credential plus a shared pause: when the provider throttles, every
 * caller of that store waits out one backoff instead of each object retrying on its own.
 */
export class StoreRateLimiter {
  readonly #opts: RateLimitOptions
  readonly #clock: Clock
  #tokens: number
  #last: number
  #pausedUntil = 0
  #throttles = 0

  constructor(clock: Clock, opts: RateLimitOptions = DEFAULT_RATE_LIMIT) {
    this.#opts = opts
    this.#clock = clock
    this.#tokens = opts.burst
    this.#last = clock.now()
  }

  /** Waits for a token (and for any throttling pause) before a provider call. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const now = this.#clock.now()
      if (now < this.#pausedUntil) {
        await this.#clock.sleep(this.#pausedUntil - now, signal)
        continue
      }
      this.#refill(now)
      if (this.#tokens >= 1) {
        this.#tokens -= 1
        return
      }
      await this.#clock.sleep(Math.ceil(((1 - this.#tokens) * 1000) / this.#opts.ratePerSecond), signal)
    }
  }

  /** The provider throttled us: pause the whole store, longer each time in a row. */
  throttled(): void {
    const pause = Math.min(this.#opts.maxBackoffMs, this.#opts.backoffMs * 2 ** this.#throttles)
    this.#throttles++
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + pause)
    this.#tokens = 0
  }

  succeeded(): void {
    this.#throttles = 0
  }

  /** ms until the store may call again (0 when not paused), for metrics and status */
  pausedFor(): number {
    return Math.max(0, this.#pausedUntil - this.#clock.now())
  }

  #refill(now: number): void {
    const add = ((now - this.#last) / 1000) * this.#opts.ratePerSecond
    this.#tokens = Math.min(this.#opts.burst, this.#tokens + add)
    this.#last = now
  }
}
