import { describe, expect, it } from "vitest"
import { VaultKvProvider } from "../../../src/providers/vault/kv.js"
import { VaultSession } from "../../../src/providers/vault/session.js"
import { FakeVault } from "./fake-vault.js"

const appRole = { kind: "appRole", path: "approle", roleId: "r", secretId: "s" } as const

function setup() {
  const v = new FakeVault()
  v.kv.set("app/db", { data: { user: "u", pass: "p" }, custom: { env: "prod" } })
  v.kv.set("app/cache", { data: { url: "redis://" }, custom: { env: "dev" } })
  v.kv.set("other", { data: { x: 1 } })
  const session = new VaultSession(v, appRole, () => new Date(v.now))
  const kv = new VaultKvProvider({ path: "secret", version: "v2" }, v, session)
  return { v, session, kv }
}

describe("Vault session (token lifecycle)", () => {
  it("should log in once and reuse the token for many reads", async () => {
    const { v, session, kv } = setup()
    for (let i = 0; i < 50; i++) await kv.get({ key: "app/db" })
    expect(session.stats.logins).toBe(1)
    expect(v.liveTokens()).toBe(1)
  })

  it("should renew after 2/3 of the TTL, not before", async () => {
    const { v, session, kv } = setup()
    await kv.get({ key: "app/db" })
    v.now = 39_000
    await kv.get({ key: "app/db" })
    expect(session.stats.renewals).toBe(0)
    v.now = 41_000
    await kv.get({ key: "app/db" })
    expect(session.stats.renewals).toBe(1)
    // renewed at 41 s with a 60 s TTL: still good at 90 s without another login
    v.now = 90_000
    await kv.get({ key: "app/db" })
    expect(session.stats.logins).toBe(1)
    expect(v.liveTokens()).toBe(1)
  })

  it("should log in again after the token expired while idle, keeping one live token", async () => {
    const { v, session, kv } = setup()
    await kv.get({ key: "app/db" })
    v.now = 10 * 60_000
    await kv.get({ key: "app/db" })
    expect(session.stats.logins).toBe(2)
    expect(v.liveTokens()).toBe(1)
  })

  it("should re-login once on 403 and revoke the old token", async () => {
    const { v, session, kv } = setup()
    await kv.get({ key: "app/db" })
    v.denyOnce = true
    await kv.get({ key: "app/db" })
    expect(session.stats.logins).toBe(2)
    await new Promise((r) => setTimeout(r, 0))
    expect(v.liveTokens()).toBe(1)
  })

  it("should share one login among concurrent callers", async () => {
    const { session, kv } = setup()
    await Promise.all(Array.from({ length: 20 }, () => kv.get({ key: "app/db" })))
    expect(session.stats.logins).toBe(1)
  })

  it("should revoke its token on close and refuse later use", async () => {
    const { v, session, kv } = setup()
    await kv.get({ key: "app/db" })
    await kv.close()
    expect(session.stats.revocations).toBe(1)
    expect(v.liveTokens()).toBe(0)
    await expect(kv.get({ key: "app/db" })).rejects.toThrow(/after close/)
  })

  it("should never renew or revoke a static token", async () => {
    const v = new FakeVault()
    v.live.set("static", Number.MAX_SAFE_INTEGER)
    v.kv.set("k", { data: { a: "b" } })
    const session = new VaultSession(v, { kind: "token", token: "static" }, () => new Date(v.now))
    const kv = new VaultKvProvider({ path: "secret", version: "v2" }, v, session)
    await kv.get({ key: "k" })
    v.now = 10 ** 9
    await kv.get({ key: "k" })
    await kv.close()
    expect(session.stats).toEqual({ logins: 0, renewals: 0, revocations: 0 })
    expect(v.live.has("static")).toBe(true)
  })
})

describe("Vault KV provider (port semantics)", () => {
  const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

  it("should return the data map as JSON, extract it, and say NOT_FOUND for a missing key", async () => {
    const { kv } = setup()
    expect(JSON.parse(dec(await kv.get({ key: "app/db" })))).toEqual({ user: "u", pass: "p" })
    expect([...(await kv.getMap({ key: "app/db" })).keys()]).toEqual(["user", "pass"])
    await expect(kv.get({ key: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" })
  })

  it("should find recursively by path, name regexp and custom_metadata tags", async () => {
    const { kv } = setup()
    expect([...(await kv.find({})).keys()]).toEqual(["app/cache", "app/db", "other"])
    expect([...(await kv.find({ path: "app" })).keys()]).toEqual(["app/cache", "app/db"])
    expect([...(await kv.find({ name: "db$" })).keys()]).toEqual(["app/db"])
    expect([...(await kv.find({ path: "app", tags: { env: "prod" } })).keys()]).toEqual(["app/db"])
  })
})
