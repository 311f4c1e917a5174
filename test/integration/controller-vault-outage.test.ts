import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { externalSecret, startController, vaultRoot, vaultStore } from "./controller-vault-fixture.js"
import { peerEnv, requirePeer } from "./peers.js"
import { TcpProxy } from "./tcp-proxy.js"

// Vault going away (its address stops answering) and coming back, seen through the controller.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")

describe.skipIf(kubePeer.skip || vaultPeer.skip)("controller: Vault outage", () => {
  const id = suffix()
  const ns = `sb-vdown-${id}`
  const root = vaultRoot()
  const key = `sb-vdown-${id}/db`
  const password = `vdown-pass-${id}`
  const proxy = new TcpProxy(peerEnv("VAULT_ADDR"))
  let kube: Kube
  let ctl: ControllerProcess

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.secret(ns, "vault-token", { token: peerEnv("VAULT_TOKEN") })
    await root.write(`secret/data/${key}`, { data: { password } })
    await proxy.start()
    ctl = await startController([ns])
    await kube.apply(
      vaultStore(
        ns,
        "vault",
        { tokenSecretRef: { name: "vault-token", key: "token" } },
        { server: proxy.url },
      ),
    )
    await kube.waitReady("secretstores", ns, "vault", "StoreValidated")
  }, 120_000)

  afterAll(async () => {
    const code = await ctl?.stop()
    await proxy.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    await root.delete(`secret/metadata/${key}`).catch(() => undefined)
    expect(code).toBe(0)
  })

  it("should keep the Secret and go Ready False while Vault is down, and recover after", async () => {
    await kube.apply(
      externalSecret(ns, "db", "vault", {
        data: [{ secretKey: "password", remoteRef: { key, property: "password" } }],
      }),
    )
    await kube.waitReady("externalsecrets", ns, "db", "SecretSynced")
    await proxy.stop()
    try {
      // Either the sync fails or the store's re-validation fails first (no call through a bad store).
      const r = await waitFor(
        "db not ready",
        async () => {
          const c = await kube.ready("externalsecrets", ns, "db")
          return c?.status === "False" ? c : undefined
        },
        40_000,
      )
      expect(["SecretSyncedError", "StoreNotReady"]).toContain(r.reason)
      expect(await kube.secretText(ns, "db")).toEqual({ password })
    } finally {
      await proxy.start()
    }
    await kube.waitReady("externalsecrets", ns, "db", "SecretSynced", 60_000)
    expect(ctl.output).not.toContain(password)
  })
})
