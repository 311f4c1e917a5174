import type { CallOptions } from "../keys/backend.js"
import { BridgeError, ErrorCode } from "../errors.js"
import { findMatcher } from "./find-match.js"
import type { FindQuery, RemoteRef, SecretProvider } from "./provider.js"
import { jsonToSecretMap } from "./secret-map.js"

/** How often each method was called: lets reconcile tests assert "no provider call". */
export interface MemoryCalls {
  get: number
  getMap: number
  find: number
  validate: number
  close: number
}

interface Entry {
  /** version label/id → value; "" is the current version */
  readonly versions: Map<string, Uint8Array>
  tags: Record<string, string>
}

export interface MemorySetOptions {
  /** also reachable under this version (a stage or id); the value becomes current unless `current: false` */
  readonly version?: string
  readonly current?: boolean
  readonly tags?: Readonly<Record<string, string>>
}

/**
 * An in-memory SecretProvider for unit tests and demos. Counts calls, can inject failures and
 * can hold calls open (`pause`) so tests can observe coalescing of concurrent fetches. `close()`
 * only records the call (the instance may be shared through `memoryRegistry`).
 */
export class MemoryProvider implements SecretProvider {
  readonly name: string
  readonly calls: MemoryCalls = { get: 0, getMap: 0, find: 0, validate: 0, close: 0 }
  /** keys passed to `get`/`getMap`, in call order */
  readonly fetched: string[] = []
  closed = false
  readonly #entries = new Map<string, Entry>()
  #failure: ((op: string, key: string) => Error | undefined) | undefined
  #gate: Promise<void> | undefined

  constructor(name = "memory") {
    this.name = name
  }

  set(key: string, value: string | Uint8Array, opts: MemorySetOptions = {}): this {
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value
    const entry = this.#entries.get(key) ?? { versions: new Map<string, Uint8Array>(), tags: {} }
    if (opts.current !== false) entry.versions.set("", bytes)
    if (opts.version !== undefined) entry.versions.set(opts.version, bytes)
    if (opts.tags !== undefined) entry.tags = { ...opts.tags }
    this.#entries.set(key, entry)
    return this
  }

  delete(key: string): this {
    this.#entries.delete(key)
    return this
  }

  /** Every later call fails with what `fn` returns (undefined = succeed); `fail()` clears it. */
  fail(fn?: (op: string, key: string) => Error | undefined): this {
    this.#failure = fn
    return this
  }

  /** Calls made from now on wait until the returned function is called. */
  pause(): () => void {
    let release: () => void = () => undefined
    this.#gate = new Promise<void>((resolve) => (release = resolve))
    return () => {
      this.#gate = undefined
      release()
    }
  }

  async get(ref: RemoteRef, opts?: CallOptions): Promise<Uint8Array> {
    this.calls.get++
    this.fetched.push(ref.key)
    await this.#enter("get", ref.key, opts)
    return this.#lookup(ref)
  }

  async getMap(ref: RemoteRef, opts?: CallOptions): Promise<ReadonlyMap<string, Uint8Array>> {
    this.calls.getMap++
    this.fetched.push(ref.key)
    await this.#enter("getMap", ref.key, opts)
    return jsonToSecretMap(this.#lookup(ref), ref.key)
  }

  async find(query: FindQuery, opts?: CallOptions): Promise<ReadonlyMap<string, Uint8Array>> {
    this.calls.find++
    await this.#enter("find", query.path ?? "", opts)
    const match = findMatcher(query)
    const out = new Map<string, Uint8Array>()
    for (const [name, e] of [...this.#entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const current = e.versions.get("")
      if (current !== undefined && match.matches(name, e.tags)) out.set(name, current)
    }
    return out
  }

  async validate(opts?: CallOptions): Promise<void> {
    this.calls.validate++
    await this.#enter("validate", "", opts)
  }

  async close(): Promise<void> {
    this.calls.close++
    this.closed = true
    return Promise.resolve()
  }

  async #enter(op: string, key: string, opts?: CallOptions): Promise<void> {
    if (this.#gate !== undefined) await this.#gate
    opts?.signal?.throwIfAborted()
    const err = this.#failure?.(op, key)
    if (err !== undefined) throw err
  }

  #lookup(ref: RemoteRef): Uint8Array {
    const value = this.#entries.get(ref.key)?.versions.get(ref.version ?? "")
    if (value === undefined)
      throw new BridgeError(
        ErrorCode.NotFound,
        `secret ${ref.key}${ref.version === undefined ? "" : ` version ${ref.version}`} not found in ${this.name}`,
      )
    return value
  }
}
