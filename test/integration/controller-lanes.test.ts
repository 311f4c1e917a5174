import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, sleep, suffix, waitFor } from "./controller-harness.js"
import { externalSecret, startController, vaultRoot, vaultStore } from "./controller-vault-fixture.js"
import { peerEnv, requirePeer } from "./peers.js"

// Lanes: with hundreds of periodic refreshes queued, a new ExternalSecret goes next. One worker
// (--concurrency 1), a 1 s refresh interval and a key of its own per ExternalSecret keep the
// periodic backlog standing: N provider calls fall due every second against the store's token
// bucket (50/s). With one shared key the calls were shared, and on a quiet machine one worker
// kept up with all N (391 reconciles/s), so no backlog stood and the test failed its premise.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")
const N = 200

describe.skipIf(kubePeer.skip || vaultPeer.skip)(
  "controller: lanes put new objects before due refreshes",
  () => {
    const id = suffix()
    const ns = `sb-lanes-${id}`
    const root = vaultRoot()
    const key = (i: number) => `sb-lanes-${id}/p-${i}`
    const newKey = `sb-lanes-${id}/new`
    let kube: Kube
    let ctl: ControllerProcess

    const es = (name: string, k: string) =>
      externalSecret(ns, name, "vault", {
        refreshInterval: "1s",
        data: [{ secretKey: "v", remoteRef: { key: k, property: "v" } }],
      })
    const syncedCount = async (): Promise<number> => {
      const list = (await kube.custom.listNamespacedCustomObject({
        group: "sealbridge.dev",
        version: "v1alpha1",
        namespace: ns,
        plural: "externalsecrets",
      })) as { items: { status?: { conditions?: { reason: string }[] } }[] }
      return list.items.filter((o) => o.status?.conditions?.some((c) => c.reason === "SecretSynced")).length
    }

    beforeAll(async () => {
      kube = new Kube(peerEnv("KUBECONFIG"))
      await kube.installCrds()
      await kube.namespace(ns)
      await kube.secret(ns, "vault-token", { token: peerEnv("VAULT_TOKEN") })
      for (let i = 0; i < N; i += 20)
        await Promise.all(
          Array.from({ length: Math.min(20, N - i) }, (_, j) =>
            root.write(`secret/data/${key(i + j)}`, { data: { v: `p-${i + j}` } }),
          ),
        )
      await root.write(`secret/data/${newKey}`, { data: { v: "new" } })
      ctl = await startController([ns], {}, ["--concurrency", "1", "--store-refresh", "10m"])
      await kube.apply(vaultStore(ns, "vault", { tokenSecretRef: { name: "vault-token", key: "token" } }))
      await kube.waitReady("secretstores", ns, "vault", "StoreValidated")
    }, 120_000)

    afterAll(async () => {
      const code = await ctl?.stop()
      await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
      const keys = [...Array.from({ length: N }, (_, i) => key(i)), newKey]
      for (let i = 0; i < keys.length; i += 20)
        await Promise.all(
          keys.slice(i, i + 20).map((k) => root.delete(`secret/metadata/${k}`).catch(() => undefined)),
        )
      expect(code).toBe(0)
    }, 60_000)

    it("should make a new ExternalSecret Ready long before the periodic backlog ahead of it drains", async () => {
      const created = Date.now()
      for (let i = 0; i < N; i += 20)
        await Promise.all(
          Array.from({ length: Math.min(20, N - i) }, (_, j) => kube.apply(es(`p-${i + j}`, key(i + j)))),
        )
      await waitFor(
        "periodic ExternalSecrets synced",
        async () => ((await syncedCount()) >= N ? true : undefined),
        180_000,
      )
      const createMs = Date.now() - created
      // Let the refreshes pile up, then measure how fast the one worker gets through them.
      const depth = () => ctl.metric("sealbridge_queue_depth", {})
      await waitFor("a periodic backlog", async () => ((await depth()) >= N / 2 ? true : undefined), 30_000)
      const r0 = await ctl.metric("sealbridge_reconcile_total", { kind: "ExternalSecret" })
      const t0 = Date.now()
      await sleep(3_000)
      const rate =
        ((await ctl.metric("sealbridge_reconcile_total", { kind: "ExternalSecret" })) - r0) /
        ((Date.now() - t0) / 1000)
      const backlog = await depth()
      const drainMs = (backlog / rate) * 1000

      const started = Date.now()
      await kube.apply(es("new", newKey))
      for (;;) {
        const r = await kube.ready("externalsecrets", ns, "new").catch(() => undefined)
        if (r?.reason === "SecretSynced") break
        if (Date.now() - started > 60_000) throw new Error("new ExternalSecret not synced in 60 s")
        await sleep(100)
      }
      const newMs = Date.now() - started
      console.log(
        `lanes: new ExternalSecret Ready in ${newMs} ms with ${backlog} queued refreshes ahead ` +
          `(${rate.toFixed(0)} reconciles/s: ${drainMs.toFixed(0)} ms to drain them in order); ` +
          `${N} created and synced in ${createMs} ms`,
      )
      expect(await kube.secretText(ns, "new")).toEqual({ v: "new" })
      expect(backlog).toBeGreaterThanOrEqual(N / 2)
      // In one FIFO it would have waited for the whole backlog.
      expect(newMs).toBeLessThan(drainMs / 2)
    }, 300_000)
  },
)
