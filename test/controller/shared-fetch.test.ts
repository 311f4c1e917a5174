import { describe, expect, it } from "vitest"
import { ProviderError } from "../../src/index.js"
import { Kind } from "../../controller/api/constants.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { reconcileStore } from "../../controller/reconcile/store.js"
import { harness, type Harness } from "./fakes.js"

const NS = "team-a"
const signal = new AbortController().signal

async function setup(n: number, m: number): Promise<Harness> {
  const h = harness()
  h.kube.putSecret(NS, "vault-token", { token: "root-token-value" })
  h.kube.put(Kind.SecretStore, NS, "vault", {
    provider: {
      vault: {
        server: "http://127.0.0.1:8200",
        path: "secret",
        auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
      },
    },
  })
  await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: NS, name: "vault" }, signal)
  for (let k = 0; k < m; k++) h.provider.put(`key-${k}`, { password: `value-${k}` })
  for (let i = 0; i < n; i++)
    h.kube.put(Kind.ExternalSecret, NS, `es-${i}`, {
      secretStoreRef: { name: "vault" },
      refreshInterval: "1h",
      data: [{ secretKey: "password", remoteRef: { key: `key-${i % m}`, property: "password" } }],
    })
  return h
}

const run = (h: Harness, i: number) =>
  reconcileExternalSecret(h.deps, { kind: Kind.ExternalSecret, namespace: NS, name: `es-${i}` }, signal)
const runAll = (h: Harness, n: number) => Promise.all(Array.from({ length: n }, (_, i) => run(h, i)))

describe("shared fetching through the provider pool", () => {
  it("should cost M provider calls for N ExternalSecrets over M remote keys, once per refresh window", async () => {
    const h = await setup(40, 7)
    const base = h.provider.calls.get
    await runAll(h, 20)
    for (let i = 20; i < 40; i++) await run(h, i) // later arrivals inside the window share too
    expect(h.provider.calls.get - base).toBe(7)
    expect(h.kube.secretText(NS, "es-15")).toEqual({ password: "value-1" })
    // Nothing due: no call at all.
    await runAll(h, 40)
    expect(h.provider.calls.get - base).toBe(7)
    // Next refresh cycle: every object is due, again one call per remote key.
    h.provider.put("key-3", { password: "rotated" })
    h.clock.advance(3_600_000)
    await runAll(h, 40)
    expect(h.provider.calls.get - base).toBe(14)
    expect(h.kube.secretText(NS, "es-10")).toEqual({ password: "rotated" })
    const stats = h.deps.pool.stats()
    expect(stats).toHaveLength(1)
    expect(stats[0]?.shared).toBe(80 - 14)
  })

  it("should pause the whole store when the provider throttles, then recover", async () => {
    const h = await setup(6, 6)
    h.provider.failWith(new ProviderError("aws get key-0: throttled (HTTP 429)", { throttled: true }))
    const first = await run(h, 0)
    expect(first.retry).toBe(true)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "es-0")?.status).toBe("False")
    const callsWhenThrottled = h.provider.total
    const getsWhenThrottled = h.provider.calls.get
    const paused = h.deps.pool.stats()[0]?.pausedMs ?? 0
    expect(paused).toBeGreaterThan(0)
    // Every other object of the store waits out the one shared pause without a call.
    for (let i = 1; i < 6; i++) {
      const r = await run(h, i)
      expect(r.requeueAfterMs).toBeGreaterThanOrEqual(paused)
      expect(r.requeueAfterMs).toBeLessThan(paused + 1_000)
    }
    expect(h.provider.total).toBe(callsWhenThrottled)
    h.provider.failWith(undefined)
    h.clock.advance(paused)
    expect(h.deps.pool.stats()[0]?.pausedMs).toBe(0)
    await runAll(h, 6)
    expect(h.provider.calls.get - getsWhenThrottled).toBe(6)
    for (let i = 0; i < 6; i++)
      expect(h.kube.ready(Kind.ExternalSecret, NS, `es-${i}`)).toMatchObject({
        status: "True",
        reason: "SecretSynced",
      })
  })
})
