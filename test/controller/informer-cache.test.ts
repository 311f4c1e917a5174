import { describe, expect, it } from "vitest"
import { Kind, MANAGED_LABEL } from "../../controller/api/constants.js"
import { CachedKube, ObjectCache } from "../../controller/kube/cache.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { reconcileStore } from "../../controller/reconcile/store.js"
import { harness } from "./fakes.js"

const NS = "team-a"
const signal = new AbortController().signal

describe("informer cache", () => {
  it("should serve steady-state reconciles from the watch caches with no GET", async () => {
    const h = harness()
    const cache = new ObjectCache()
    for (const k of [Kind.ExternalSecret, Kind.SecretStore, Kind.ClusterSecretStore, "Secret"] as const)
      cache.expect(k, NS)
    const kube = new CachedKube(h.kube, cache)
    const deps = { ...h.deps, kube }
    // What the watches deliver: the stores and ExternalSecrets, and only labelled Secrets.
    const relist = () => {
      for (const k of [Kind.ExternalSecret, Kind.SecretStore, Kind.ClusterSecretStore] as const)
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
    h.provider.put("db", { password: "v1" })
    for (let i = 0; i < 5; i++)
      h.kube.put(Kind.ExternalSecret, NS, `es-${i}`, {
        secretStoreRef: { name: "vault" },
        refreshInterval: "1h",
        data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }],
      })
    relist()
    expect(cache.synced(Kind.ExternalSecret) && cache.synced("Secret")).toBe(true)
    await reconcileStore(deps, { kind: Kind.SecretStore, namespace: NS, name: "vault" }, signal)
    const es = (i: number) => ({ kind: Kind.ExternalSecret, namespace: NS, name: `es-${i}` })
    for (let i = 0; i < 5; i++) await reconcileExternalSecret(deps, es(i), signal)
    // First sync: the store's credential Secret (not ours: not cached) and absent targets are read.
    expect(h.kube.calls.filter((c) => c === "get Secret").length).toBeGreaterThan(0)
    expect(h.kube.calls.filter((c) => c.startsWith("get ") && c !== "get Secret")).toEqual([])
    expect(h.kube.secretText(NS, "es-3")).toEqual({ password: "v1" })
    expect(cache.get("Secret", NS, "vault-token")).toBeUndefined()
    // Steady state: reconciles right after (write-through status) and after the watch caught up.
    h.kube.calls.length = 0
    for (let i = 0; i < 5; i++) await reconcileExternalSecret(deps, es(i), signal)
    relist()
    for (let i = 0; i < 5; i++) await reconcileExternalSecret(deps, es(i), signal)
    expect(h.kube.calls).toEqual([])
    expect(kube.requests.get).toBe(5 + 1) // the five absent targets + the credential, all at first sync
    // Drift: an edited owned Secret arrives through the watch and is repaired, still with no GET.
    h.kube.putSecret(NS, "es-2", { password: "tampered" })
    relist()
    await reconcileExternalSecret(deps, es(2), signal)
    expect(h.kube.secretText(NS, "es-2")).toEqual({ password: "v1" })
    expect(h.kube.calls).toEqual(["apply Secret"])
  })

  it("should report what a re-list changed and what vanished", () => {
    const cache = new ObjectCache()
    cache.expect(Kind.ExternalSecret, "")
    expect(cache.synced(Kind.ExternalSecret)).toBe(false)
    const o = (name: string, rv: string) => ({ metadata: { name, namespace: "a", resourceVersion: rv } })
    expect(cache.replace(Kind.ExternalSecret, "", [o("x", "1"), o("y", "1")]).changed).toHaveLength(2)
    expect(cache.synced(Kind.ExternalSecret)).toBe(true)
    const r = cache.replace(Kind.ExternalSecret, "", [o("x", "1"), o("z", "4")])
    expect(r.changed.map((c) => c.metadata?.name)).toEqual(["z"])
    expect(r.removed.map((c) => c.metadata?.name)).toEqual(["y"])
    expect(cache.get(Kind.ExternalSecret, "a", "y")).toBeUndefined()
  })
})
