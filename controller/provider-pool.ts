import { createHash } from "node:crypto"
import {
  isThrottled,
  SharedFetcher,
  type FetchClock,
  type ProviderDeps,
  type ProviderFactory,
  type RateLimitOptions,
  type SecretProvider,
  type SharedOp,
  type StoreConfig,
  type VaultTokenLedger,
} from "../src/index.js"

interface Entry {
  readonly fingerprint: string
  readonly provider: Promise<SharedFetcher>
}

export type ProviderOp = "get" | "getMap" | "find" | "validate"
export type CallResult = "ok" | "error" | "throttled"
/** Sees every call that reached a provider (store key, operation, result, seconds it took): the provider-call metrics. */
export type CallHook = (storeKey: string, op: ProviderOp, result: CallResult, seconds: number) => void

export interface PoolOptions {
  readonly onCall?: CallHook
  /** Sees every request a store's fetch window (or an in-flight call) answered without a call. */
  readonly onShared?: (storeKey: string, op: SharedOp) => void
  /** Where each store's Vault session counts the tokens it logged in for. */
  readonly vaultTokens?: VaultTokenLedger
  /** Time for the fetch window, the token bucket and throttling pauses. */
  readonly clock?: FetchClock
  /** How long one provider answer serves every ExternalSecret naming the same remote secret. */
  readonly windowMs?: number
  readonly rateLimit?: RateLimitOptions
  /** Deadline of one shared provider call (see SharedFetcherOptions.callTimeoutMs). */
  readonly callTimeoutMs?: number
}

/** Default fetch window: long enough to drain one refresh slot's worth of queued objects. */
export const DEFAULT_FETCH_WINDOW_MS = 30_000

export const realClock: FetchClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(resolve, ms)
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(t)
          reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"))
        },
        { once: true },
      )
    }),
}

export interface StoreFetchStats {
  readonly store: string
  readonly calls: number
  readonly shared: number
  readonly throttled: number
  readonly pausedMs: number
}

/**
 * One long-lived provider per store, shared by every ExternalSecret that uses it (so a Vault
 * token is reused and renewed, not re-created per reconcile), behind a SharedFetcher: one call
 * per (store, key, version) per fetch window, a token bucket per store and one shared pause when
 * the provider throttles. An entry is rebuilt only when the store's generation or its resolved
 * credentials change; the old one is closed.
 */
export class ProviderPool {
  readonly #entries = new Map<string, Entry>()
  readonly #ready = new Map<string, SharedFetcher>()
  readonly #factory: ProviderFactory
  readonly #deps: ProviderDeps
  readonly #opts: PoolOptions

  constructor(factory: ProviderFactory, deps: ProviderDeps, opts: PoolOptions = {}) {
    this.#factory = factory
    this.#deps = deps
    this.#opts = opts
  }

  /** The provider for a store at this generation, building it (and resolving credentials) once. */
  async get(
    storeKey: string,
    generation: string,
    resolve: () => Promise<StoreConfig>,
  ): Promise<SharedFetcher> {
    const entry = this.#entries.get(storeKey)
    if (entry !== undefined && entry.fingerprint.startsWith(`${generation}|`)) return entry.provider
    return this.put(storeKey, generation, await resolve())
  }

  /** Installs a freshly resolved config; keeps the current provider when nothing changed. */
  async put(storeKey: string, generation: string, config: StoreConfig): Promise<SharedFetcher> {
    const fingerprint = `${generation}|${configHash(config)}`
    const old = this.#entries.get(storeKey)
    if (old?.fingerprint === fingerprint) return old.provider
    const { onCall: hook, onShared, vaultTokens } = this.#opts
    const clock = this.#opts.clock ?? realClock
    const deps =
      vaultTokens === undefined ? this.#deps : { ...this.#deps, vaultTokens: vaultTokens.scope(storeKey) }
    const provider = this.#factory(config, deps).then((p) => {
      const inner = hook === undefined ? p : counted(p, clock, (op, r, s) => hook(storeKey, op, r, s))
      const fetcher = new SharedFetcher(inner, clock, {
        windowMs: this.#opts.windowMs ?? DEFAULT_FETCH_WINDOW_MS,
        ...(this.#opts.rateLimit === undefined ? {} : { rateLimit: this.#opts.rateLimit }),
        ...(this.#opts.callTimeoutMs === undefined ? {} : { callTimeoutMs: this.#opts.callTimeoutMs }),
        ...(onShared === undefined ? {} : { onShared: (op: SharedOp) => onShared(storeKey, op) }),
      })
      if (this.#entries.get(storeKey)?.provider === provider) this.#ready.set(storeKey, fetcher)
      return fetcher
    })
    // A failed build must not stick: the next call tries again.
    provider.catch(() => {
      if (this.#entries.get(storeKey)?.provider === provider) this.#entries.delete(storeKey)
    })
    this.#entries.set(storeKey, { fingerprint, provider })
    this.#ready.delete(storeKey)
    if (old !== undefined) void close(old.provider)
    return provider
  }

  async drop(storeKey: string): Promise<void> {
    const old = this.#entries.get(storeKey)
    this.#entries.delete(storeKey)
    this.#ready.delete(storeKey)
    if (old !== undefined) await close(old.provider)
  }

  async closeAll(): Promise<void> {
    const all = [...this.#entries.values()]
    this.#entries.clear()
    this.#ready.clear()
    await Promise.all(all.map((e) => close(e.provider)))
  }

  /** Per-store sharing and throttling figures (metrics, status page). */
  stats(): StoreFetchStats[] {
    return [...this.#ready].map(([store, f]) => ({
      store,
      calls: f.stats.calls,
      shared: f.stats.shared,
      throttled: f.stats.throttled,
      pausedMs: f.limiter.pausedFor(),
    }))
  }
}

function counted(
  p: SecretProvider,
  clock: FetchClock,
  hook: (op: ProviderOp, r: CallResult, seconds: number) => void,
): SecretProvider {
  const wrap = async <T>(op: ProviderOp, run: () => Promise<T>): Promise<T> => {
    const started = clock.now()
    const took = (): number => (clock.now() - started) / 1000
    try {
      const out = await run()
      hook(op, "ok", took())
      return out
    } catch (err) {
      hook(op, isThrottled(err) ? "throttled" : "error", took())
      throw err
    }
  }
  return {
    name: p.name,
    get: (ref, opts) => wrap("get", () => p.get(ref, opts)),
    getMap: (ref, opts) => wrap("getMap", () => p.getMap(ref, opts)),
    find: (q, opts) => wrap("find", () => p.find(q, opts)),
    validate: (opts) => wrap("validate", () => p.validate(opts)),
    close: () => p.close(),
  }
}

async function close(p: Promise<SecretProvider>): Promise<void> {
  try {
    await (await p).close()
  } catch {
    // closing is best effort; a failed build has nothing to close
  }
}

/** A digest of the config's data (credentials included, never printed); functions are skipped. */
function configHash(config: StoreConfig): string {
  const text = JSON.stringify(config, (_k, v: unknown) => (typeof v === "function" ? "fn" : v))
  return createHash("sha256").update(text).digest("hex")
}

/** The store's fetcher as seen by one object: answers no older than `maxAgeMs` (half its interval). */
export function withMaxAge(f: SharedFetcher, maxAgeMs: number): SecretProvider {
  return {
    name: f.name,
    get: (ref, opts) => f.get(ref, { ...opts, maxAgeMs }),
    getMap: (ref, opts) => f.getMap(ref, { ...opts, maxAgeMs }),
    find: (q, opts) => f.find(q, { ...opts, maxAgeMs }),
    validate: (opts) => f.validate(opts),
    close: () => Promise.resolve(), // the pool owns the fetcher
  }
}
