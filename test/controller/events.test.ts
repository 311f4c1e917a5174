import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode } from "../../src/index.js"
import { Kind, MANAGED_LABEL } from "../../controller/api/constants.js"
import { CachedKube, ObjectCache } from "../../controller/kube/cache.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { reconcileSopsSecret } from "../../controller/reconcile/sops-secret.js"
import { reconcileStore } from "../../controller/reconcile/store.js"
import { harness, type Harness } from "./fakes.js"

// Events are for people reading `kubectl describe`: one per Ready transition (status or reason),
// never one per refresh, re-validation or repeated failure.
const NS = "team-a"
const signal = new AbortController().signal

/** The production read path: reconcilers read through the watch cache, status written through. */
function cached(h: Harness) {
  const cache = new ObjectCache()
  for (const k of [
    Kind.ExternalSecret,
    Kind.SecretStore,
    Kind.ClusterSecretStore,
    Kind.SopsSecret,
    "Secret",
  ] as const)
    cache.expect(k, NS)
  const relist = () => {
    for (const k of [
      Kind.ExternalSecret,
      Kind.SecretStore,
      Kind.ClusterSecretStore,
      Kind.SopsSecret,
    ] as const)
      cache.replace(
        k,
        NS,
        [...h.kube.objects.values()].filter((o) => o.kind === k),
      )
    cache.replace(
      "Secret",
      NS,
      [...h.kube.secrets.values()].filter((s) => s.metadata.labels?.[MANAGED_LABEL] === "true"),
    )
  }
  return { deps: { ...h.deps, kube: new CachedKube(h.kube, cache) }, relist }
}

const eventsOf = (h: Harness, name: string) =>
  h.kube.events.filter((e) => e.ref.name === name).map((e) => `${e.type} ${e.reason}`)

describe("Events only on Ready transitions", () => {
  it("should record one event over many refreshes, failures and re-validations, and one per status or reason change", async () => {
    const h = harness()
    const { deps, relist } = cached(h)
    h.kube.putSecret(NS, "tok", { token: "t" })
    h.kube.put(Kind.SecretStore, NS, "vault", {
      provider: {
        vault: {
          server: "http://127.0.0.1:8200",
          path: "secret",
          auth: { tokenSecretRef: { name: "tok", key: "token" } },
        },
      },
    })
    h.provider.put("db", { password: "v1" })
    h.kube.put(Kind.ExternalSecret, NS, "app", {
      secretStoreRef: { name: "vault" },
      refreshInterval: "1m",
      data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }],
    })
    relist()
    const store = () => reconcileStore(deps, { kind: Kind.SecretStore, namespace: NS, name: "vault" }, signal)
    const es = () =>
      reconcileExternalSecret(deps, { kind: Kind.ExternalSecret, namespace: NS, name: "app" }, signal)
    await store()
    await es()
    // 20 refreshes, one with a changed remote value, and 20 store re-validations: no new event.
    for (let i = 0; i < 20; i++) {
      h.clock.advance(60_000)
      if (i === 7) h.provider.put("db", { password: "v2" })
      await store()
      await es()
      if (i % 5 === 0) relist() // the watch catching up must not replay a transition
    }
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v2" })
    expect(h.kube.status(Kind.ExternalSecret, NS, "app").refreshTime).toBe("2026-01-01T00:20:00.000Z")
    expect(eventsOf(h, "app")).toEqual(["Normal SecretSynced"])
    expect(eventsOf(h, "vault")).toEqual(["Normal StoreValidated"])

    // Failing: one Warning, however often it fails and whatever the message says.
    for (let i = 0; i < 5; i++) {
      h.provider.failWith(new BridgeError(ErrorCode.Provider, `timeout after ${i} s`, { retryable: true }))
      h.clock.advance(60_000)
      await es()
    }
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")?.message).toContain("timeout after 4 s")
    expect(eventsOf(h, "app")).toEqual(["Normal SecretSynced", "Warning SecretSyncedError"])
    // Same status (False), new reason: a transition.
    h.provider.failWith(undefined)
    h.provider.clear()
    h.clock.advance(60_000)
    await es()
    await es()
    expect(eventsOf(h, "app").at(-1)).toBe("Warning SecretNotFound")
    expect(eventsOf(h, "app")).toHaveLength(3)
    // Recovered: one Normal event.
    h.provider.put("db", { password: "v3" })
    for (let i = 0; i < 3; i++) {
      h.clock.advance(60_000)
      await es()
    }
    expect(eventsOf(h, "app")).toEqual([
      "Normal SecretSynced",
      "Warning SecretSyncedError",
      "Warning SecretNotFound",
      "Normal SecretSynced",
    ])
  })

  it("should record one Warning for an invalid SopsSecret reconciled again and again", async () => {
    const h = harness()
    h.kube.put(Kind.SopsSecret, NS, "db", { target: { name: "db" }, sealed: "not: sealed\n" })
    for (let i = 0; i < 5; i++) {
      h.clock.advance(60_000)
      await reconcileSopsSecret(h.deps, { kind: Kind.SopsSecret, namespace: NS, name: "db" }, signal)
    }
    const events = eventsOf(h, "db")
    expect(events).toHaveLength(1)
    expect(events[0]).toMatch(/^Warning /)
  })
})
