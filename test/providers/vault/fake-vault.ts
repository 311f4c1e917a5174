import { BridgeError } from "../../../src/errors.js"
import { ProviderError } from "../../../src/providers/provider-error.js"
import type { VaultApi, VaultRequest, VaultResponse } from "../../../src/providers/vault/vault-api.js"

/**
 * A tiny Vault stand-in for unit tests of the session and KV logic: tokens with TTLs on a
 * fake clock, AppRole login, renew/revoke-self, KV v2 reads and LISTs. Real behaviour is
 * checked against OpenBao in test/integration/providers-vault.test.ts.
 */
export class FakeVault implements VaultApi {
  now = 0
  ttlSeconds = 60
  readonly live = new Map<string, number>() // token → expiry (ms)
  readonly log: string[] = []
  readonly kv = new Map<string, { data: Record<string, unknown>; custom?: Record<string, string> }>()
  denyOnce = false
  #n = 0

  request(req: VaultRequest): Promise<VaultResponse> {
    this.log.push(`${req.method} ${req.path}`)
    try {
      return Promise.resolve(this.#handle(req))
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error("fake vault failure"))
    }
  }

  close(): void {}

  #handle(req: VaultRequest): VaultResponse {
    if (req.path.endsWith("/login")) return this.#issue()
    const exp = req.token === undefined ? undefined : this.live.get(req.token)
    if (exp === undefined || exp <= this.now || this.denyOnce) {
      this.denyOnce = false
      throw new ProviderError("permission denied", { status: 403 })
    }
    const token = req.token as string
    if (req.path === "auth/token/renew-self") {
      this.live.set(token, this.now + this.ttlSeconds * 1000)
      return { auth: { client_token: token, lease_duration: this.ttlSeconds, renewable: true } }
    }
    if (req.path === "auth/token/revoke-self") {
      this.live.delete(token)
      return {}
    }
    if (req.path === "auth/token/lookup-self") return { data: { id: "x" } }
    const m = /^secret\/(data|metadata)\/(.*)$/.exec(req.path.replace(/\?.*$/, ""))
    if (m === null) throw new BridgeError("NOT_FOUND", "no route")
    const name = decodeURIComponent(m[2] ?? "")
    if (req.method === "LIST") {
      const keys = new Set<string>()
      const prefix = name === "" ? "" : `${name}/`
      for (const k of this.kv.keys())
        if (k.startsWith(prefix)) {
          const rest = k.slice(prefix.length)
          keys.add(rest.includes("/") ? `${rest.split("/")[0]}/` : rest)
        }
      if (keys.size === 0) throw new BridgeError("NOT_FOUND", "none")
      return { data: { keys: [...keys] } }
    }
    const entry = this.kv.get(name)
    if (entry === undefined) throw new BridgeError("NOT_FOUND", "missing")
    return m[1] === "data"
      ? { data: { data: entry.data } }
      : { data: { custom_metadata: entry.custom ?? null } }
  }

  #issue(): VaultResponse {
    const token = `t${++this.#n}`
    this.live.set(token, this.now + this.ttlSeconds * 1000)
    return { auth: { client_token: token, lease_duration: this.ttlSeconds, renewable: true } }
  }

  liveTokens(): number {
    return [...this.live.values()].filter((e) => e > this.now).length
  }
}
