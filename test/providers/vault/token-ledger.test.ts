import { describe, expect, it } from "vitest"
import { VaultTokenLedger } from "../../../src/index.js"
import { VaultKvProvider } from "../../../src/providers/vault/kv.js"
import { VaultSession } from "../../../src/providers/vault/session.js"
import { FakeVault } from "./fake-vault.js"

const appRole = { kind: "appRole", path: "approle", roleId: "r", secretId: "s" } as const

function setup() {
  const v = new FakeVault()
  v.kv.set("app/db", { data: { user: "u" } })
  const now = () => new Date(v.now)
  const ledger = new VaultTokenLedger(now)
  const session = new VaultSession(v, appRole, now, ledger.scope("team-a/vault"))
  const kv = new VaultKvProvider({ path: "secret", version: "v2" }, v, session)
  const count = () => ledger.live().get("team-a/vault") ?? 0
  return { v, ledger, kv, count }
}

// The ledger is the controller's view of live tokens (the metric); FakeVault's is Vault's own.
describe("VaultTokenLedger (live Vault tokens)", () => {
  it("should count one token however many reads run", async () => {
    const { v, kv, count } = setup()
    expect(count()).toBe(0)
    for (let i = 0; i < 100; i++) await kv.get({ key: "app/db" })
    expect(count()).toBe(1)
    expect(v.liveTokens()).toBe(1)
  })

  it("should follow renewals and count nothing once an idle token expired", async () => {
    const { v, kv, count } = setup()
    await kv.get({ key: "app/db" })
    v.now = 41_000 // past 2/3 of the 60 s TTL: renewed, valid until 101 s
    await kv.get({ key: "app/db" })
    v.now = 90_000
    expect(count()).toBe(1)
    v.now = 102_000
    expect(count()).toBe(0)
    expect(v.liveTokens()).toBe(0)
    await kv.get({ key: "app/db" }) // a fresh login
    expect(count()).toBe(1)
  })

  it("should stay at one across a 403 re-login (the old token revoked) and drop to zero on close", async () => {
    const { v, kv, count } = setup()
    await kv.get({ key: "app/db" })
    v.denyOnce = true
    await kv.get({ key: "app/db" })
    await new Promise((r) => setTimeout(r, 0))
    expect(count()).toBe(1)
    expect(v.liveTokens()).toBe(1)
    await kv.close()
    expect(count()).toBe(0)
    expect(v.liveTokens()).toBe(0)
  })

  it("should keep counting a token whose revocation failed until its TTL ends, as Vault does", async () => {
    const { v, kv, count, ledger } = setup()
    await kv.get({ key: "app/db" })
    const request = v.request.bind(v)
    v.request = (req) =>
      req.path === "auth/token/revoke-self" ? Promise.reject(new Error("connect ECONNREFUSED")) : request(req)
    await kv.close()
    expect(count()).toBe(1)
    v.now = 61_000
    expect(count()).toBe(0)
    expect([...ledger.live()]).toEqual([])
  })

  it("should not count a static token (it belongs to the user)", async () => {
    const v = new FakeVault()
    v.live.set("static", Number.MAX_SAFE_INTEGER)
    v.kv.set("k", { data: { a: "b" } })
    const ledger = new VaultTokenLedger(() => new Date(v.now))
    const session = new VaultSession(
      v,
      { kind: "token", token: "static" },
      () => new Date(v.now),
      ledger.scope("s"),
    )
    await new VaultKvProvider({ path: "secret", version: "v2" }, v, session).get({ key: "k" })
    expect(ledger.live().size).toBe(0)
  })

  it("should label tokens by store", () => {
    const ledger = new VaultTokenLedger(() => new Date(0))
    ledger.scope("a").issue(60_000)
    ledger.scope("a").issue(0)
    ledger.scope("b").issue(60_000).revoked()
    expect(ledger.live()).toEqual(new Map([["a", 2]]))
  })
})
