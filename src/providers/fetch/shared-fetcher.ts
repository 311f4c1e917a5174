import type { CallOptions } from "../../keys/backend.js"
import type { FindQuery, RemoteRef, SecretProvider } from "../provider.js"
import { isThrottled } from "../provider-error.js"
import type { Clock } from "./clock.js"
import { StoreRateLimiter, type RateLimitOptions } from "./rate-limit.js"

export interface SharedFetcherOptions {
  /** how long a result serves later callers (one refresh window); 0 = only concurrent callers share */
  readonly windowMs: number
  readonly rateLimit?: RateLimitOptions
  /**
   * Deadline of one shared provider call. Callers give up on their own signals, but the shared
   * call outlives them: without a deadline a hanging provider keeps every such call (and its
   * socket) open for ever.
   */
  readonly callTimeoutMs?: number
  /** Sees every request answered without a provider call (the shared-request metric). */
  readonly onShared?: (op: SharedOp) => void
}

export type SharedOp = "get" | "getMap" | "find"

export interface FetchStats {
  /** calls that reached the provider */
  calls: number
  /** requests answered by a call already made or in flight */
  shared: number
  throttled: number
  errors: number
}

/** A caller may accept less than the whole window (an object refreshing more often than it). */
export interface SharedCallOptions extends CallOptions {
  readonly maxAgeMs?: number
}

interface Entry {
  readonly at: number
  readonly result: Promise<unknown>
  settled: boolean
}

/**
 * The unit of fetching is (store, identity, key, version): one SharedFetcher wraps the
 * provider of one (store, identity), and every ExternalSecret asking for the same key and
 * version within `windowMs` (or while a call is in flight) shares one provider call. Calls go
 * through the store's token bucket; a throttling answer pauses the whole store. Errors are
 * shared by concurrent callers but never cached for later ones. Values are held only for
 * the window, then dropped.
 */
export class SharedFetcher implements SecretProvider {
  readonly name: string
  readonly stats: FetchStats = { calls: 0, shared: 0, throttled: 0, errors: 0 }
  readonly limiter: StoreRateLimiter
  readonly #inner: SecretProvider
  readonly #clock: Clock
  readonly #windowMs: number
  readonly #callTimeoutMs: number | undefined
  readonly #onShared: ((op: SharedOp) => void) | undefined
  readonly #entries = new Map<string, Entry>()

  constructor(inner: SecretProvider, clock: Clock, opts: SharedFetcherOptions) {
    this.name = inner.name
    this.#inner = inner
    this.#clock = clock
    this.#windowMs = opts.windowMs
    this.#callTimeoutMs = opts.callTimeoutMs
    this.#onShared = opts.onShared
    this.limiter = new StoreRateLimiter(clock, opts.rateLimit)
  }

  get(ref: RemoteRef, opts?: SharedCallOptions): Promise<Uint8Array> {
    return this.#shared(
      "get",
      `get\0${ref.key}\0${ref.version ?? ""}`,
      (o) => this.#inner.get(refOnly(ref), o),
      opts,
    )
  }

  getMap(ref: RemoteRef, opts?: SharedCallOptions): Promise<ReadonlyMap<string, Uint8Array>> {
    const key = `map\0${ref.key}\0${ref.version ?? ""}\0${ref.property ?? ""}`
    return this.#shared("getMap", key, (o) => this.#inner.getMap(ref, o), opts)
  }

  find(query: FindQuery, opts?: SharedCallOptions): Promise<ReadonlyMap<string, Uint8Array>> {
    const tags = Object.entries(query.tags ?? {}).sort()
    const key = `find\0${query.path ?? ""}\0${query.name ?? ""}\0${JSON.stringify(tags)}`
    return this.#shared("find", key, (o) => this.#inner.find(query, o), opts)
  }

  validate(opts?: CallOptions): Promise<void> {
    return this.#call((o) => this.#inner.validate(o), opts)
  }

  close(): Promise<void> {
    this.#entries.clear()
    return this.#inner.close()
  }

  /** Forget results so the next request calls the provider (manual force-sync). */
  invalidate(key?: string): void {
    if (key === undefined) this.#entries.clear()
    else for (const k of [...this.#entries.keys()]) if (k.split("\0")[1] === key) this.#entries.delete(k)
  }

  #shared<T>(
    op: SharedOp,
    key: string,
    run: (o?: CallOptions) => Promise<T>,
    opts?: SharedCallOptions,
  ): Promise<T> {
    this.#sweep()
    const hit = this.#entries.get(key)
    const maxAge = Math.min(this.#windowMs, opts?.maxAgeMs ?? Infinity)
    if (hit !== undefined && (!hit.settled || this.#clock.now() - hit.at < maxAge)) {
      this.stats.shared++
      this.#onShared?.(op)
      return hit.result as Promise<T>
    }
    // The shared call must not die with one caller's signal; callers wait on it with their own.
    const timeout = this.#callTimeoutMs
    const result = this.#call(() =>
      run(timeout === undefined ? undefined : { signal: AbortSignal.timeout(timeout) }),
    )
    const entry: Entry = { at: this.#clock.now(), result, settled: false }
    this.#entries.set(key, entry)
    result.then(
      () => {
        entry.settled = true
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key)
      },
    )
    return opts?.signal === undefined ? result : raceSignal(result, opts.signal)
  }

  async #call<T>(run: (o?: CallOptions) => Promise<T>, opts?: CallOptions): Promise<T> {
    await this.limiter.acquire(opts?.signal)
    this.stats.calls++
    try {
      const out = await run(opts)
      this.limiter.succeeded()
      return out
    } catch (err) {
      this.stats.errors++
      if (isThrottled(err)) {
        this.stats.throttled++
        this.limiter.throttled()
      }
      throw err
    }
  }

  #sweep(): void {
    const now = this.#clock.now()
    for (const [k, e] of this.#entries) if (e.settled && now - e.at >= this.#windowMs) this.#entries.delete(k)
  }
}

const refOnly = (ref: RemoteRef): RemoteRef =>
  ref.version === undefined ? { key: ref.key } : { key: ref.key, version: ref.version }

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"))
    signal.addEventListener("abort", onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort))
  })
}
