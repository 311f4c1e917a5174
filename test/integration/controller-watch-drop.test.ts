import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor } from "./controller-harness.js"
import { requirePeer } from "./peers.js"
import { startProxiedAwsController, type ProxiedAwsController } from "./controller-aws-setup.js"

// The controller's watch connections die while the API server stays up: once cut (an idle reset
// by a load balancer) and once silently (open, but nothing arrives: client-node #958). Both must
// be noticed without a controller restart, and an object created afterwards must still sync.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: dropped and silent watches", () => {
  let c: ProxiedAwsController

  const synced = (name: string, timeoutMs = 20_000) =>
    waitFor(
      `${name} synced`,
      async () => ((await c.kube.secretText(c.ns, name))?.["v"] === "value" ? true : undefined),
      timeoutMs,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${c.ctl.output.slice(-4000)}`)
    })

  beforeAll(async () => {
    c = await startProxiedAwsController("w", "value", "5s")
    await c.kube.apply(c.externalSecret("first", "1h"))
    await synced("first")
  }, 120_000)

  afterAll(async () => {
    await c?.stop()
  })

  it("should notice a cut watch connection and keep syncing", async () => {
    const restarts = await c.ctl.metric("sealbridge_watch_restarts_total", {})
    c.proxy.drop()
    await c.kube.apply(c.externalSecret("after-drop", "1h"))
    await synced("after-drop")
    expect(await c.ctl.metric("sealbridge_watch_restarts_total", {})).toBeGreaterThan(restarts)
    expect(c.ctl.child.exitCode).toBeNull()
  }, 60_000)

  it("should notice a watch that went silent (connection open, nothing arrives) and keep syncing", async () => {
    const stalls = await c.ctl.metric("sealbridge_watch_stalls_total", {})
    c.proxy.freeze()
    await c.kube.apply(c.externalSecret("after-freeze", "1h"))
    await synced("after-freeze", 40_000)
    expect(await c.ctl.metric("sealbridge_watch_stalls_total", {})).toBeGreaterThan(stalls)
    expect(c.ctl.output).toContain("stalled")
  }, 60_000)
})
