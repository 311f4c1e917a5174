import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sleep, waitFor } from "./controller-harness.js"
import { requirePeer } from "./peers.js"
import { startProxiedAwsController, type ProxiedAwsController } from "./controller-aws-setup.js"

// The API server goes away mid-run (its connections are cut and refused, as in a restart) and
// comes back: the controller's watches must recover and keep syncing, with no controller restart.
// A TCP proxy in front of the shared kube-apiserver stands in for the restart.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: kube-apiserver restart mid-run", () => {
  let c: ProxiedAwsController

  beforeAll(async () => {
    c = await startProxiedAwsController("r", "before-restart", "10s")
  }, 120_000)

  afterAll(async () => {
    await c?.stop()
  })

  it("should resume watching and syncing after the API server was unreachable", async () => {
    const { kube, ns, ctl } = c
    const value = async (name: string) => (await kube.secretText(ns, name))?.["v"]
    await kube.apply(c.externalSecret("first", "1s"))
    await waitFor("first synced", async () =>
      (await value("first")) === "before-restart" ? true : undefined,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${ctl.output}`)
    })
    await c.proxy.stop()
    await sleep(3_000)
    await c.proxy.start()
    // A change made after the outage must arrive through the recovered watches and refreshes.
    await c.sm.send(new PutSecretValueCommand({ SecretId: c.key, SecretString: "after-restart" }))
    await kube.apply(c.externalSecret("second", "1s"))
    await waitFor(
      "first follows the remote change",
      async () => ((await value("first")) === "after-restart" ? true : undefined),
      40_000,
    )
    await waitFor(
      "second (created after the outage) synced",
      async () => ((await value("second")) === "after-restart" ? true : undefined),
      40_000,
    )
    expect(ctl.child.exitCode).toBeNull()
    expect(ctl.output).toContain('"msg":"watch restarting"')
  })
})
