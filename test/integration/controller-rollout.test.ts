import { AppsV1Api } from "@kubernetes/client-node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, sleep, suffix, waitFor } from "./controller-harness.js"
import { externalSecret, startController, vaultRoot, vaultStore } from "./controller-vault-fixture.js"
import { peerEnv, requirePeer } from "./peers.js"

// rolloutRestartTargets through the built controller: three Secrets rotating together, one restart.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")

describe.skipIf(kubePeer.skip || vaultPeer.skip)("controller: rollout restarts", () => {
  const id = suffix()
  const ns = `sb-roll-${id}`
  const root = vaultRoot()
  const keys = ["a", "b", "c"].map((k) => `sb-roll-${id}/${k}`)
  let kube: Kube
  let apps: AppsV1Api
  let ctl: ControllerProcess

  const write = (value: string) =>
    Promise.all(keys.map((k) => root.write(`secret/data/${k}`, { data: { value } })))
  const deployment = async () => apps.readNamespacedDeployment({ namespace: ns, name: "web" })

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    apps = kube.kc.makeApiClient(AppsV1Api)
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.secret(ns, "vault-token", { token: peerEnv("VAULT_TOKEN") })
    await write("v1")
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: "web" },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "example.invalid/web:1" }] },
          },
        },
      },
    })
    ctl = await startController([ns], {}, ["--rollout-debounce", "5s", "--fetch-window", "100ms"])
    await kube.apply(vaultStore(ns, "vault", { tokenSecretRef: { name: "vault-token", key: "token" } }))
    await kube.waitReady("secretstores", ns, "vault", "StoreValidated")
    for (const [i, key] of keys.entries())
      await kube.apply(
        externalSecret(ns, `s${i}`, "vault", {
          refreshInterval: "1s",
          data: [{ secretKey: "value", remoteRef: { key, property: "value" } }],
          rolloutRestartTargets: [{ kind: "Deployment", name: "web" }],
        }),
      )
    for (let i = 0; i < keys.length; i++) await kube.waitReady("externalsecrets", ns, `s${i}`, "SecretSynced")
  }, 180_000)

  afterAll(async () => {
    const code = await ctl?.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    for (const k of keys) await root.delete(`secret/metadata/${k}`).catch(() => undefined)
    expect(code).toBe(0)
  })

  it("should restart the Deployment once when its three Secrets change together, and not on creation", async () => {
    // creation alone restarts nothing
    await sleep(4_000)
    const before = await deployment()
    expect(before.spec?.template.metadata?.annotations?.["sealbridge.dev/restartedAt"]).toBeUndefined()

    await write("v2")
    for (let i = 0; i < keys.length; i++)
      await waitFor(`Secret s${i} v2`, async () =>
        (await kube.secretText(ns, `s${i}`))?.["value"] === "v2" ? true : undefined,
      )
    const after = await waitFor("restartedAt annotation", async () => {
      const d = await deployment()
      return d.spec?.template.metadata?.annotations?.["sealbridge.dev/restartedAt"] !== undefined
        ? d
        : undefined
    })
    // another quiet period over: still one change to the pod template
    await sleep(6_000)
    const settled = await deployment()
    expect(settled.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1)
    expect(settled.spec?.template.metadata?.annotations).toEqual(after.spec?.template.metadata?.annotations)
    expect(ctl.output.split("\n").filter((l) => l.includes('"rollout restarted"'))).toHaveLength(1)
  })
})
