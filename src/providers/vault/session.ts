import type { CallOptions } from "../../keys/backend.js"
import { BridgeError, ErrorCode } from "../../errors.js"
import type { VaultAuth } from "../provider.js"
import { ProviderError } from "../provider-error.js"
import type { TokenIssuer, TokenLease } from "./token-ledger.js"
import { encodePath, type VaultApi, type VaultResponse } from "./vault-api.js"

/** Renew when this share of the token's TTL has passed (VSO and Vault Agent use ~2/3). */
const RENEW_AT = 2 / 3
/** Treat a token as dead this long before Vault would, so a call never races its expiry. */
const EXPIRY_MARGIN_MS = 5_000

export interface SessionStats {
  logins: number
  renewals: number
  revocations: number
}

interface Held {
  readonly token: string
  readonly issuedAt: number
  /** 0 = never expires (e.g. root); ms otherwise */
  readonly ttlMs: number
  readonly renewable: boolean
  /** The ledger's record of a token we logged in for (absent for a static token). */
  readonly lease?: TokenLease
}

/**
 * One long-lived authenticated identity per (store, identity). Logs in once, renews the token
 * when it is used after ~2/3 of its TTL, logs in again when it has expired or Vault answers 403
 * (once per call, then the error stands), and revokes its own token on close — so the number of
 * live tokens stays flat however many reconciles run. A static token from the store is used
 * as is: never renewed, never revoked (it belongs to the user).
 */
export class VaultSession {
  readonly stats: SessionStats = { logins: 0, renewals: 0, revocations: 0 }
  readonly #api: VaultApi
  readonly #auth: VaultAuth
  readonly #now: () => Date
  readonly #tokens: TokenIssuer | undefined
  #held: Held | undefined
  #pending: Promise<Held> | undefined
  #closed = false

  /** `tokens`: where logged-in tokens are counted (the live-token metric). */
  constructor(api: VaultApi, auth: VaultAuth, now: () => Date, tokens?: TokenIssuer) {
    this.#api = api
    this.#auth = auth
    this.#now = now
    this.#tokens = tokens
  }

  /** Runs `fn` with a valid token; on 403 re-authenticates once and retries. */
  async withToken<T>(fn: (token: string) => Promise<T>, opts?: CallOptions): Promise<T> {
    const held = await this.#current(opts)
    try {
      return await fn(held.token)
    } catch (err) {
      if (!(err instanceof ProviderError) || err.status !== 403 || this.#auth.kind === "token") throw err
      if (this.#held === held) this.#drop(held)
      const fresh = await this.#current(opts)
      return fn(fresh.token)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    const held = this.#held ?? (await this.#pending?.catch(() => undefined))
    this.#held = undefined
    if (held !== undefined && this.#auth.kind !== "token") await this.#revoke(held)
  }

  async #current(opts?: CallOptions): Promise<Held> {
    if (this.#closed) throw new BridgeError(ErrorCode.Internal, "vault session used after close")
    if (this.#pending !== undefined) return this.#pending
    const held = this.#held
    const now = this.#now().getTime()
    if (held !== undefined && !this.#expired(held, now)) {
      if (!held.renewable || held.ttlMs === 0 || now < held.issuedAt + held.ttlMs * RENEW_AT) return held
      return this.#single(() => this.#renew(held, opts))
    }
    if (held !== undefined) this.#drop(held)
    return this.#single(() => this.#login(opts))
  }

  #expired(h: Held, now: number): boolean {
    return h.ttlMs !== 0 && now >= h.issuedAt + h.ttlMs - Math.min(EXPIRY_MARGIN_MS, h.ttlMs / 10)
  }

  /** Concurrent callers share one login/renewal. */
  #single(run: () => Promise<Held>): Promise<Held> {
    const p = run().then(
      (h) => {
        this.#pending = undefined
        this.#held = h
        return h
      },
      (err: unknown) => {
        this.#pending = undefined
        throw err
      },
    )
    this.#pending = p
    return p
  }

  async #login(opts?: CallOptions): Promise<Held> {
    const auth = this.#auth
    if (auth.kind === "token")
      return { token: auth.token, issuedAt: this.#now().getTime(), ttlMs: 0, renewable: false }
    const body =
      auth.kind === "appRole"
        ? { role_id: auth.roleId, secret_id: auth.secretId }
        : { role: auth.role, jwt: await auth.jwt() }
    const mount = auth.kind === "appRole" ? auth.path || "approle" : auth.mountPath || "kubernetes"
    const res = await this.#api.request(
      { method: "POST", path: `auth/${encodePath(mount)}/login`, body },
      opts,
    )
    this.stats.logins++
    const held = this.#fromAuth(res, `${auth.kind} login at auth/${mount}`)
    const lease = this.#tokens?.issue(held.ttlMs)
    return lease === undefined ? held : { ...held, lease }
  }

  async #renew(held: Held, opts?: CallOptions): Promise<Held> {
    try {
      const res = await this.#api.request(
        { method: "POST", path: "auth/token/renew-self", token: held.token, body: {} },
        opts,
      )
      this.stats.renewals++
      const renewed = this.#fromAuth(res, "token renewal")
      // Renewal is capped by the token's max TTL: when it stops extending, log in again soon.
      if (held.lease === undefined) return renewed
      held.lease.extend(renewed.ttlMs)
      return { ...renewed, lease: held.lease }
    } catch (err) {
      if (err instanceof ProviderError && (err.status === 403 || err.status === 400)) {
        this.#drop(held)
        return this.#login(opts)
      }
      throw err
    }
  }

  #fromAuth(res: VaultResponse, what: string): Held {
    const token = res.auth?.client_token
    if (token === undefined || token === "")
      throw new ProviderError(`vault ${what}: no client token in the answer`)
    const ttl = res.auth?.lease_duration ?? 0
    return {
      token,
      issuedAt: this.#now().getTime(),
      ttlMs: ttl * 1000,
      renewable: res.auth?.renewable === true,
    }
  }

  /** Forget a token we will not use again; revoke it (best effort) so it does not linger. */
  #drop(held: Held): void {
    if (this.#held === held) this.#held = undefined
    if (this.#auth.kind !== "token") void this.#revoke(held)
  }

  async #revoke(held: Held): Promise<void> {
    try {
      await this.#api.request({ method: "POST", path: "auth/token/revoke-self", token: held.token, body: {} })
      this.stats.revocations++
      held.lease?.revoked()
    } catch (err) {
      // 403: Vault no longer knows the token (expired or revoked), so it is not live. Otherwise
      // (Vault unreachable) it stays counted until its TTL runs out, as it does in Vault.
      if (err instanceof ProviderError && err.status === 403) held.lease?.revoked()
    }
  }
}
