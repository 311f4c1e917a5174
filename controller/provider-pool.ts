import { createHash } from "node:crypto"
import type { ProviderDeps, ProviderFactory, SecretProvider, StoreConfig } from "../src/index.js"

interface Entry {
  readonly fingerprint: string
  readonly provider: Promise<SecretProvider>
}

/**
 * One long-lived provider per store, shared by every ExternalSecret that uses it (so a Vault
 * token is reused and renewed, not re-created per reconcile). An entry is rebuilt only when the
 * store's generation or its resolved credentials change; the old one is closed.
 */
export class ProviderPool {
  readonly #entries = new Map<string, Entry>()
  readonly #factory: ProviderFactory
  readonly #deps: ProviderDeps
  readonly #onCall: CallHook | undefined

  /** `onCall` sees every provider call (store key, operation): the provider-call metric. */
  constructor(factory: ProviderFactory, deps: ProviderDeps, onCall?: CallHook) {
    this.#factory = factory
    this.#deps = deps
    this.#onCall = onCall
  }

  /** The provider for a store at this generation, building it (and resolving credentials) once. */
  async get(
    storeKey: string,
    generation: string,
    resolve: () => Promise<StoreConfig>,
  ): Promise<SecretProvider> {
    const entry = this.#entries.get(storeKey)
    if (entry !== undefined && entry.fingerprint.startsWith(`${generation}|`)) return entry.provider
    return this.put(storeKey, generation, await resolve())
  }

  /** Installs a freshly resolved config; keeps the current provider when nothing changed. */
  async put(storeKey: string, generation: string, config: StoreConfig): Promise<SecretProvider> {
    const fingerprint = `${generation}|${configHash(config)}`
    const old = this.#entries.get(storeKey)
    if (old?.fingerprint === fingerprint) return old.provider
    const hook = this.#onCall
    const built = this.#factory(config, this.#deps)
    const provider = hook === undefined ? built : built.then((p) => counted(p, (op) => hook(storeKey, op)))
    // A failed build must not stick: the next call tries again.
    provider.catch(() => {
      if (this.#entries.get(storeKey)?.provider === provider) this.#entries.delete(storeKey)
    })
    this.#entries.set(storeKey, { fingerprint, provider })
    if (old !== undefined) void close(old.provider)
    return provider
  }

  async drop(storeKey: string): Promise<void> {
    const old = this.#entries.get(storeKey)
    this.#entries.delete(storeKey)
    if (old !== undefined) await close(old.provider)
  }

  async closeAll(): Promise<void> {
    const all = [...this.#entries.values()]
    this.#entries.clear()
    await Promise.all(all.map((e) => close(e.provider)))
  }
}

export type CallHook = (storeKey: string, op: "get" | "getMap" | "find" | "validate") => void

function counted(
  p: SecretProvider,
  hook: (op: "get" | "getMap" | "find" | "validate") => void,
): SecretProvider {
  return {
    name: p.name,
    get: (ref, opts) => (hook("get"), p.get(ref, opts)),
    getMap: (ref, opts) => (hook("getMap"), p.getMap(ref, opts)),
    find: (q, opts) => (hook("find"), p.find(q, opts)),
    validate: (opts) => (hook("validate"), p.validate(opts)),
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
