import { describe, expect, it } from "vitest"
import type { CallOptions } from "../../../src/keys/backend.js"
import type { SecretProvider } from "../../../src/providers/provider.js"
import { SharedFetcher } from "../../../src/providers/fetch/shared-fetcher.js"

const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
}

/** A provider that never answers; it records whether each call's signal was aborted. */
function hanging() {
  const aborted: boolean[] = []
  const never = (opts?: CallOptions) =>
    new Promise<never>((_resolve, reject) => {
      const i = aborted.push(false) - 1
      opts?.signal?.addEventListener("abort", () => {
        aborted[i] = true
        reject(new Error("aborted"))
      })
    })
  const p: SecretProvider = {
    name: "hang",
    get: (_r, o) => never(o),
    getMap: (_r, o) => never(o),
    find: (_q, o) => never(o),
    validate: (o) => never(o),
    close: () => Promise.resolve(),
  }
  return { p, aborted }
}

describe("SharedFetcher deadline", () => {
  it("should abort the shared call of a hanging provider at callTimeoutMs, not only its callers", async () => {
    const { p, aborted } = hanging()
    const f = new SharedFetcher(p, realClock, { windowMs: 1_000, callTimeoutMs: 30 })
    const started = Date.now()
    await expect(f.get({ key: "a" })).rejects.toThrow("aborted")
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(aborted).toEqual([true])
    // The failed call is not cached: the next request calls again.
    await expect(f.getMap({ key: "a" })).rejects.toThrow("aborted")
    expect(aborted).toEqual([true, true])
  })

  it("should leave the shared call running after its caller gives up when no deadline is set", async () => {
    const { p, aborted } = hanging()
    const f = new SharedFetcher(p, realClock, { windowMs: 1_000 })
    await expect(f.get({ key: "a" }, { signal: AbortSignal.timeout(20) })).rejects.toThrow()
    await new Promise((r) => setTimeout(r, 30))
    expect(aborted).toEqual([false])
  })
})
