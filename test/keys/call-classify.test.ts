import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode, KeyError, KeyFailure } from "../../src/errors.js"
import { withDeadline } from "../../src/keys/call.js"
import { classifyKeyError, isNetworkError } from "../../src/keys/classify.js"
import type { KeyDeps } from "../../src/keys/deps.js"
import { backendFor, backendsFor } from "../../src/keys/registry.js"
import { DEADLINE_TEST_MS } from "../helpers/deadline-test.js"

// The corners of a key call's deadline, of error classing and of the kind table that transit-pgp.test.ts leaves
// open (mutation testing of src/keys, issue 8).
const rejection = async (p: Promise<unknown>): Promise<KeyError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(KeyError)
  return e as KeyError
}
const hang = (opts: { signal?: AbortSignal }): Promise<never> =>
  new Promise((_, reject) => opts.signal?.addEventListener("abort", () => reject(new Error("aborted"))))

describe("withDeadline corners", () => {
  it(
    "should time out under a caller's signal that never aborts, handing on one signal for both",
    async () => {
      const caller = new AbortController()
      const got: { signal?: AbortSignal; timeoutMs?: number }[] = []
      const e = await rejection(
        withDeadline({ signal: caller.signal, timeoutMs: 50 }, (o) => (got.push(o), hang(o))),
      )
      expect([e.failure, e.message]).toEqual([KeyFailure.Unreachable, "timed out after 0.05s"])
      expect(got[0]?.timeoutMs).toBe(50)
      expect(got[0]?.signal).toBeInstanceOf(AbortSignal)
      expect(got[0]?.signal).not.toBe(caller.signal)
      expect(got[0]?.signal?.aborted).toBe(true)
      expect(caller.signal.aborted).toBe(false)
      // The cause is the timeout's own reason.
      expect((e.cause as Error).name).toBe("TimeoutError")
    },
    DEADLINE_TEST_MS,
  )

  it(
    "should hand on the caller's own signal, without a timeout, and keep its abort reason as the cause",
    async () => {
      const caller = new AbortController()
      const got: object[] = []
      const reason = new Error("user pressed ^C")
      setTimeout(() => caller.abort(reason), 20)
      const e = await rejection(withDeadline({ signal: caller.signal }, (o) => (got.push(o), hang(o))))
      expect(e.message).toBe("interrupted")
      expect(e.cause).toBe(reason)
      expect(Object.keys(got[0] ?? {})).toEqual(["signal"])
      expect((got[0] as { signal: AbortSignal }).signal).toBe(caller.signal)
    },
    DEADLINE_TEST_MS,
  )

  it("should take its abort listener off the signal when the call settles", async () => {
    const added: unknown[] = []
    const removed: unknown[] = []
    const signal = {
      aborted: false,
      reason: undefined,
      addEventListener: (type: string, fn: unknown, opts: unknown) => added.push([type, fn, opts]),
      removeEventListener: (type: string, fn: unknown) => removed.push([type, fn]),
    } as unknown as AbortSignal
    expect(await withDeadline({ signal }, () => Promise.resolve("done"))).toBe("done")
    await withDeadline({ signal }, () => Promise.reject(new Error("x"))).catch(() => undefined)
    expect(added).toHaveLength(2)
    expect(added[0]).toEqual(["abort", expect.any(Function), { once: true }])
    expect(removed).toEqual([
      ["abort", (added[0] as unknown[])[1]],
      ["abort", (added[1] as unknown[])[1]],
    ])
  })
})

describe("classifyKeyError corners", () => {
  it("should give a sealbridge error's own message and class the rest by safe message", () => {
    expect(classifyKeyError(new BridgeError(ErrorCode.Config, "bad rule"))).toEqual({
      failure: "other",
      reason: "bad rule",
    })
    expect(classifyKeyError(Object.assign(new Error("t"), { name: "TimeoutError" }))).toEqual({
      failure: "unreachable",
      reason: "TimeoutError: t",
    })
    expect(classifyKeyError("text thrown")).toEqual({ failure: "other", reason: "text thrown" })
  })

  it.each([
    "ECONNREFUSED",
    "ECONNRESET",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ETIMEDOUT",
    "EPIPE",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_SOCKET",
  ])("should class the network code %s as unreachable", (code) => {
    expect(classifyKeyError(Object.assign(new Error("request failed"), { code }))).toEqual({
      failure: "unreachable",
      reason: "request failed",
    })
  })

  it("should look only at objects down the chain, and only at listed codes", () => {
    expect(isNetworkError("ECONNREFUSED")).toBe(false)
    expect(isNetworkError(new Error("x", { cause: "ECONNREFUSED" }))).toBe(false)
    expect(isNetworkError(new Error("x", { cause: { code: "EACCES", name: "Error" } }))).toBe(false)
    expect(isNetworkError({ cause: { cause: { code: "EPIPE" } } })).toBe(true)
    expect(isNetworkError(undefined)).toBe(false)
  })
})

describe("backendFor corners", () => {
  const deps: KeyDeps = {
    env: {},
    now: () => new Date(0),
    readFile: () => Promise.resolve(null),
    run: () => Promise.reject(new Error("no commands")),
    homeDir: "/h",
    userConfigDir: "/h/.config",
    hostname: "host",
    debug: false,
  }

  it("should refuse a key kind of .sops.yaml that sealbridge cannot seal with, naming the key", () => {
    let e: unknown
    try {
      backendFor({ kind: "azure_kv", url: "https://v.vault.azure.net/keys/k/1" }, deps)
    } catch (err) {
      e = err
    }
    expect(e).toBeInstanceOf(BridgeError)
    expect([(e as BridgeError).code, (e as BridgeError).message, (e as BridgeError).hint]).toEqual([
      "CONFIG",
      "azure_kv key https://v.vault.azure.net/keys/k/1: this key type is not supported",
      "sealbridge seals with age, kms, hc_vault, pgp keys",
    ])
  })

  it("should build the backends group by group", () => {
    const groups = backendsFor(
      [
        [
          { kind: "pgp", fingerprint: "AA" },
          { kind: "pgp", fingerprint: "BB" },
        ],
        [{ kind: "pgp", fingerprint: "CC" }],
      ],
      deps,
    )
    expect(groups.map((g) => g.map((b) => `${b.kind}:${b.keyId}`))).toEqual([
      ["pgp:AA", "pgp:BB"],
      ["pgp:CC"],
    ])
  })
})
