import { describe, expect, it } from "vitest"
import { DEADLINE_TEST_MS } from "../helpers/deadline-test.js"
import { KeyError, KeyFailure, KeyWrapError } from "../../src/errors.js"
import type { KeyBackend, WrappedKey } from "../../src/keys/backend.js"
import { wrapDataKey } from "../../src/seal/wrap.js"

// The encrypt side of the key seam: concurrency, per-key attempts with a class, deadlines.
const rnd = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n))
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener("abort", () => clearTimeout(t))
  })

function fake(id: string, behave: (signal?: AbortSignal) => Promise<void>): KeyBackend & { seen: string[] } {
  const seen: string[] = []
  return {
    kind: "age",
    keyId: id,
    seen,
    async wrap(dataKey, opts): Promise<WrappedKey> {
      seen.push(opts?.signal === undefined ? "no-signal" : "signal")
      await behave(opts?.signal)
      return { kind: "age", recipient: id, enc: Buffer.from(dataKey).toString("hex") }
    },
  }
}

describe("wrapDataKey", () => {
  it("should ask every key at once: four 150 ms keys take about one round trip", async () => {
    const keys = ["a", "b", "c", "d"].map((id) => fake(id, () => sleep(150)))
    const start = performance.now()
    const out = await wrapDataKey(rnd(32), [keys], 0, rnd)
    const took = performance.now() - start
    expect(out[0]?.map((w) => (w.kind === "age" ? w.recipient : ""))).toEqual(["a", "b", "c", "d"])
    expect(took).toBeLessThan(450)
  })

  it("should record every failing key with its class, not just the first", async () => {
    const keys = [
      fake("ok", () => Promise.resolve()),
      fake("denied", () => Promise.reject(new KeyError(KeyFailure.Denied, "AccessDeniedException"))),
      fake("down", () => Promise.reject(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))),
    ]
    const err = await wrapDataKey(rnd(32), [keys], 0, rnd).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KeyWrapError)
    const attempts = (err as KeyWrapError).attempts
    expect(attempts.map((a) => [a.keyId, a.failure])).toEqual([
      ["denied", "denied"],
      ["down", "unreachable"],
    ])
    expect((err as KeyWrapError).message).toContain("age denied: access denied")
    expect((err as KeyWrapError).message).toContain("age down: service unreachable")
  })

  it(
    "should bound a key that never answers by the per-key timeout and pass the signal on",
    async () => {
      const hang = fake("hang", () => new Promise<void>(() => undefined))
      const start = performance.now()
      const err = await wrapDataKey(rnd(32), [[hang]], 0, rnd, { timeoutMs: 100 }).catch((e: unknown) => e)
      expect(performance.now() - start).toBeLessThan(1000)
      expect(hang.seen).toEqual(["signal"])
      const a = (err as KeyWrapError).attempts[0]
      expect(a?.failure).toBe("unreachable")
      expect(a?.reason).toBe("timed out after 0.1s")
    },
    DEADLINE_TEST_MS,
  )

  it(
    "should stop when the caller aborts",
    async () => {
      const ac = new AbortController()
      const slow = fake("slow", (signal) => sleep(5000, signal))
      setTimeout(() => ac.abort(), 50)
      const err = await wrapDataKey(rnd(32), [[slow]], 0, rnd, { signal: ac.signal }).catch((e: unknown) => e)
      expect((err as KeyWrapError).attempts[0]?.reason).toBe("interrupted")
    },
    DEADLINE_TEST_MS,
  )

  it("should refuse an empty key group among several with sops' message", async () => {
    const err = await wrapDataKey(rnd(32), [[fake("a", () => Promise.resolve())], []], 0, rnd).catch(
      (e: unknown) => e,
    )
    expect((err as Error).message).toBe("Could not generate data key: [empty key group provided]")
  })

  it("should wrap one Shamir share per group", async () => {
    const groups = [[fake("g0", () => Promise.resolve())], [fake("g1", () => Promise.resolve())]]
    const out = await wrapDataKey(rnd(32), groups, 2, rnd)
    const hex = out.map((g) => (g[0]?.kind === "age" ? g[0].enc : ""))
    expect(hex.map((h) => h.length)).toEqual([66, 66]) // 33-byte shares
    expect(hex[0]?.slice(-2)).toBe("01")
    expect(hex[1]?.slice(-2)).toBe("02")
  })
})
