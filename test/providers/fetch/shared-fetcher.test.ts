import { describe, expect, it } from "vitest"
import { MemoryProvider } from "../../../src/providers/memory.js"
import { ProviderError } from "../../../src/providers/provider-error.js"
import type { Clock } from "../../../src/providers/fetch/clock.js"
import { StoreRateLimiter } from "../../../src/providers/fetch/rate-limit.js"
import { SharedFetcher } from "../../../src/providers/fetch/shared-fetcher.js"

/** Virtual time: sleeping advances the clock at once and records the wait. */
class FakeClock implements Clock {
  t = 0
  slept = 0
  now(): number {
    return this.t
  }
  sleep(ms: number): Promise<void> {
    this.t += ms
    this.slept += ms
    return Promise.resolve()
  }
}

const setup = (windowMs = 5_000) => {
  const clock = new FakeClock()
  const mem = new MemoryProvider().set("db", '{"u":"x"}', { version: "v1" }).set("api", "k")
  const f = new SharedFetcher(mem, clock, {
    windowMs,
    rateLimit: { ratePerSecond: 10, burst: 5, backoffMs: 1_000, maxBackoffMs: 8_000 },
  })
  return { clock, mem, f }
}

describe("SharedFetcher: one provider call per (store, identity, key, version)", () => {
  it("should coalesce concurrent requests for the same key into one call", async () => {
    const { mem, f } = setup()
    const release = mem.pause()
    const all = Promise.all(Array.from({ length: 100 }, () => f.get({ key: "db", property: "u" })))
    release()
    const got = await all
    expect(got.every((b) => new TextDecoder().decode(b) === '{"u":"x"}')).toBe(true)
    expect(mem.calls.get).toBe(1)
    expect(f.stats).toMatchObject({ calls: 1, shared: 99 })
  })

  it("should share within the window, call again after it, and keep versions apart", async () => {
    const { clock, mem, f } = setup()
    await f.get({ key: "db" })
    clock.t += 4_999
    await f.get({ key: "db" })
    await f.get({ key: "db", version: "v1" })
    expect(mem.calls.get).toBe(2)
    clock.t += 1
    await f.get({ key: "db" })
    expect(mem.calls.get).toBe(3)
    f.invalidate("db")
    await f.get({ key: "db" })
    expect(mem.calls.get).toBe(4)
  })

  it("should share errors with concurrent callers but not cache them", async () => {
    const { mem, f } = setup()
    mem.delete("api")
    const release = mem.pause()
    const both = Promise.allSettled([f.get({ key: "api" }), f.get({ key: "api" })])
    release()
    expect((await both).map((r) => r.status)).toEqual(["rejected", "rejected"])
    expect(mem.calls.get).toBe(1)
    mem.set("api", "back")
    expect(new TextDecoder().decode(await f.get({ key: "api" }))).toBe("back")
    expect(mem.calls.get).toBe(2)
  })

  it("should pace calls with the store's token bucket", async () => {
    const { clock, f } = setup(0)
    for (let i = 0; i < 25; i++) await f.get({ key: `k${i}` }).catch(() => undefined)
    // burst 5, then 10/s: the other 20 calls need 2 s
    expect(clock.t).toBeGreaterThanOrEqual(2_000)
    expect(clock.t).toBeLessThan(2_200)
  })

  it("should pause the whole store after throttling, with growing shared backoff", async () => {
    const { clock, mem, f } = setup(0)
    let throttle = 2
    mem.fail((op) =>
      op === "get" && throttle-- > 0 ? new ProviderError("rate exceeded", { throttled: true }) : undefined,
    )
    await expect(f.get({ key: "db" })).rejects.toMatchObject({ throttled: true })
    expect(f.limiter.pausedFor()).toBe(1_000)
    const t0 = clock.t
    await expect(f.get({ key: "api" })).rejects.toMatchObject({ throttled: true })
    expect(clock.t - t0).toBeGreaterThanOrEqual(1_000)
    expect(f.limiter.pausedFor()).toBe(2_000)
    const t1 = clock.t
    expect(new TextDecoder().decode(await f.get({ key: "api" }))).toBe("k")
    expect(clock.t - t1).toBeGreaterThanOrEqual(2_000)
    expect(f.stats.throttled).toBe(2)
    expect(f.limiter.pausedFor()).toBe(0)
  })

  it("should cap the backoff", () => {
    const clock = new FakeClock()
    const l = new StoreRateLimiter(clock, {
      ratePerSecond: 1,
      burst: 1,
      backoffMs: 1_000,
      maxBackoffMs: 4_000,
    })
    for (let i = 0; i < 10; i++) l.throttled()
    expect(l.pausedFor()).toBe(4_000)
  })
})
