/** One token a session logged in for; it counts as live until revoked or past its TTL. */
export interface TokenLease {
  /** A renewal moved the expiry: `ttlMs` from now (0 = never expires). */
  extend(ttlMs: number): void
  /** Vault confirmed the revocation. */
  revoked(): void
}

/** What a session sees of the ledger: leases for the tokens of one store. */
export interface TokenIssuer {
  /** Records a token just logged in for, valid `ttlMs` from now (0 = never expires). */
  issue(ttlMs: number): TokenLease
}

interface Entry {
  readonly store: string
  expiresAt: number
}

/**
 * Counts the Vault tokens the process holds: logged in for, neither revoked nor expired. A
 * login per reconcile or a revocation that never happens shows up as a count that grows; one
 * session per (store, identity) keeps it flat. Holds no token text, only expiry times.
 */
export class VaultTokenLedger {
  readonly #now: () => Date
  readonly #live = new Set<Entry>()

  constructor(now: () => Date) {
    this.#now = now
  }

  /** The issuer handed to the provider of one store (the store labels its tokens). */
  scope(store: string): TokenIssuer {
    return { issue: (ttlMs) => this.#issue(store, ttlMs) }
  }

  /** Live tokens per store; stores without one are absent. */
  live(): Map<string, number> {
    const now = this.#now().getTime()
    const out = new Map<string, number>()
    for (const e of this.#live) {
      if (e.expiresAt <= now) this.#live.delete(e)
      else out.set(e.store, (out.get(e.store) ?? 0) + 1)
    }
    return out
  }

  #issue(store: string, ttlMs: number): TokenLease {
    const entry: Entry = { store, expiresAt: this.#expiry(ttlMs) }
    this.#live.add(entry)
    return {
      extend: (ttl) => {
        entry.expiresAt = this.#expiry(ttl)
      },
      revoked: () => {
        this.#live.delete(entry)
      },
    }
  }

  #expiry(ttlMs: number): number {
    return ttlMs === 0 ? Number.POSITIVE_INFINITY : this.#now().getTime() + ttlMs
  }
}
