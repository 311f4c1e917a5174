import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { externalSecret, startController, vaultRoot, vaultStore } from "./controller-vault-fixture.js"
import { peerEnv, requirePeer } from "./peers.js"
import { TcpProxy } from "./tcp-proxy.js"

// Per-store concurrency caps: one store whose endpoint accepts and never answers must not slow
// down the ExternalSecrets of another store (default --concurrency 4, --store-concurrency 2).
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")
const N = 30
/** The controller's provider-call deadline: without caps, workers stuck on the hanging store wait this long. */
const CALL_TIMEOUT_MS = 15_000

describe.skipIf(kubePeer.skip || vaultPeer.skip)(
  "controller: a hanging store does not hold up others",
  () => {
    const id = suffix()
    const ns = `sb-cap-${id}`
    const root = vaultRoot()
    const prefix = `sb-cap-${id}`
    const proxy = new TcpProxy(peerEnv("VAULT_ADDR"))
    const auth = { tokenSecretRef: { name: "vault-token", key: "token" } }
    let kube: Kube
    let ctl: ControllerProcess

    const es = (name: string, store: string, key: string) =>
      externalSecret(ns, name, store, {
        refreshInterval: "1h",
        data: [{ secretKey: "v", remoteRef: { key, property: "v" } }],
      })
    /** Applies ExternalSecrets a few at a time (as a GitOps sync would). */
    const applyAll = async (objs: Record<string, unknown>[]) => {
      for (let i = 0; i < objs.length; i += 10)
        await Promise.all(objs.slice(i, i + 10).map((o) => kube.apply(o)))
    }
    const allSynced = (names: readonly string[], timeoutMs: number) =>
      waitFor(
        `${names.length} ExternalSecrets synced`,
        async () => {
          const list = (await kube.custom.listNamespacedCustomObject({
            group: "sealbridge.dev",
            version: "v1alpha1",
            namespace: ns,
            plural: "externalsecrets",
          })) as { items: { metadata: { name: string }; status?: { conditions?: { reason: string }[] } }[] }
          const synced = new Set(
            list.items
              .filter((o) => o.status?.conditions?.some((c) => c.reason === "SecretSynced"))
              .map((o) => o.metadata.name),
          )
          return names.every((n) => synced.has(n)) ? synced : undefined
        },
        timeoutMs,
      )

    beforeAll(async () => {
      kube = new Kube(peerEnv("KUBECONFIG"))
      await kube.installCrds()
      await kube.namespace(ns)
      await kube.secret(ns, "vault-token", { token: peerEnv("VAULT_TOKEN") })
      for (let i = 0; i < 3 * N; i++)
        await root.write(`secret/data/${prefix}/k${i}`, { data: { v: `value-${i}` } })
      await proxy.start()
      ctl = await startController([ns], {}, ["--store-refresh", "10m"])
      await kube.apply(vaultStore(ns, "slow", auth, { server: proxy.url }))
      await kube.apply(vaultStore(ns, "fast", auth))
      await kube.waitReady("secretstores", ns, "slow", "StoreValidated")
      await kube.waitReady("secretstores", ns, "fast", "StoreValidated")
    }, 180_000)

    afterAll(async () => {
      const code = await ctl?.stop()
      await proxy.stop()
      await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
      for (let i = 0; i < 3 * N; i++)
        await root.delete(`secret/metadata/${prefix}/k${i}`).catch(() => undefined)
      expect(code).toBe(0)
    }, 60_000)

    it("should sync another store's ExternalSecrets in normal time while one store hangs", async () => {
      // Baseline: N ExternalSecrets of the fast store, nothing hanging.
      const base = Array.from({ length: N }, (_, i) => `base-${i}`)
      let t = Date.now()
      await applyAll(base.map((n, i) => es(n, "fast", `${prefix}/k${i}`)))
      await allSynced(base, 60_000)
      const baselineMs = Date.now() - t

      // The slow store's endpoint now takes connections and never answers; its N ExternalSecrets
      // are queued first, then N more of the fast store.
      proxy.hang()
      const hungAt = Date.now()
      const slow = Array.from({ length: N }, (_, i) => `slow-${i}`)
      await applyAll(slow.map((n, i) => es(n, "slow", `${prefix}/k${N + i}`)))
      const fast = Array.from({ length: N }, (_, i) => `fast-${i}`)
      t = Date.now()
      await applyAll(fast.map((n, i) => es(n, "fast", `${prefix}/k${2 * N + i}`)))
      const synced = await allSynced(fast, 60_000)
      const underHangMs = Date.now() - t
      const sinceHang = Date.now() - hungAt
      console.log(
        `store cap: ${N} ExternalSecrets Ready in ${baselineMs} ms alone, ${underHangMs} ms with ${N} ` +
          `of another store hanging; ${proxy.hungConnections} connections to the hanging store`,
      )
      // Without caps every worker would sit on a hanging call for the whole provider deadline.
      expect(underHangMs).toBeLessThan(CALL_TIMEOUT_MS - 3_000)
      expect(underHangMs).toBeLessThan(Math.max(3 * baselineMs, 6_000))
      // The hanging store had at most its cap of calls open per deadline period, and synced nothing.
      expect(proxy.hungConnections).toBeLessThanOrEqual(2 * (1 + Math.floor(sinceHang / CALL_TIMEOUT_MS)))
      expect(slow.filter((n) => synced.has(n))).toEqual([])
    })
  },
)
