import { describe, expect, it } from "vitest"
import { BridgeError } from "../../src/errors.js"
import { MemoryProvider } from "../../src/providers/memory.js"
import { createProvider, memoryRegistry } from "../../src/providers/registry.js"

const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const deps = { now: () => new Date(0), env: {} }

describe("MemoryProvider", () => {
  it("should return values by current version and by version label, counting calls", async () => {
    const p = new MemoryProvider().set("db", "one", { version: "v1" }).set("db", "two", { version: "v2" })
    expect(dec(await p.get({ key: "db" }))).toBe("two")
    expect(dec(await p.get({ key: "db", version: "v1" }))).toBe("one")
    expect(p.calls.get).toBe(2)
    expect(p.fetched).toEqual(["db", "db"])
  })

  it("should throw NOT_FOUND for a missing key or version", async () => {
    const p = new MemoryProvider().set("db", "x")
    await expect(p.get({ key: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" })
    await expect(p.get({ key: "db", version: "v9" })).rejects.toMatchObject({ code: "NOT_FOUND" })
  })

  it("should extract maps and find by name, path and tags", async () => {
    const p = new MemoryProvider()
      .set("app/db", '{"user":"u","pass":"p"}', { tags: { env: "prod" } })
      .set("app/cache", "c", { tags: { env: "dev" } })
      .set("other/db", "o", { tags: { env: "prod" } })
    const map = await p.getMap({ key: "app/db" })
    expect([...map.keys()]).toEqual(["user", "pass"])
    const found = await p.find({ path: "app/", tags: { env: "prod" } })
    expect([...found.keys()]).toEqual(["app/db"])
    expect([...(await p.find({ name: "db$" })).keys()]).toEqual(["app/db", "other/db"])
  })

  it("should inject failures and hold calls while paused", async () => {
    const p = new MemoryProvider().set("k", "v")
    p.fail((op) => (op === "get" ? new BridgeError("PROVIDER", "throttled", { retryable: true }) : undefined))
    await expect(p.get({ key: "k" })).rejects.toMatchObject({ retryable: true })
    await p.validate()
    p.fail()
    const release = p.pause()
    let done = false
    const pending = p.get({ key: "k" }).then(() => (done = true))
    await new Promise((r) => setTimeout(r, 5))
    expect(done).toBe(false)
    release()
    await pending
    expect(done).toBe(true)
  })

  it("should be handed out by a memory registry for any store kind", async () => {
    const aws = new MemoryProvider("aws")
    const vault = new MemoryProvider("vault")
    const reg = memoryRegistry((c) => (c.provider === "aws" ? aws : vault))
    const got = await createProvider(
      { provider: "aws", region: "eu-west-1", auth: { kind: "default" } },
      deps,
      reg,
    )
    expect(got).toBe(aws)
    const v = await createProvider(
      {
        provider: "vault",
        server: "http://x",
        path: "secret",
        version: "v2",
        auth: { kind: "token", token: "t" },
      },
      deps,
      reg,
    )
    expect(v).toBe(vault)
    await v.close()
    expect(vault.calls.close).toBe(1)
  })
})
