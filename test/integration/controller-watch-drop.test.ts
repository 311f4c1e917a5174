import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { peerEnv, requirePeer } from "./peers.js"
import type { TcpProxy } from "./tcp-proxy.js"
import { awsControllerEnv, awsStaticStore, proxiedKubeconfig } from "./controller-aws-setup.js"

// The controller's watch connections die while the API server stays up: once cut (an idle reset
// by a load balancer) and once silently (open, but nothing arrives: client-node #958). Both must
// be noticed without a controller restart, and an object created afterwards must still sync.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: dropped and silent watches", () => {
  const id = suffix()
  const ns = `sb-w-${id}`
  const key = `sb-watch-${id}`
  const sm = new SecretsManagerClient({})
  const dir = mkdtempSync(join(tmpdir(), "sb-watch-"))
  let proxy: TcpProxy
  let kube: Kube
  let ctl: ControllerProcess

  const es = (name: string) => ({
    apiVersion: "sealbridge.dev/v1alpha1",
    kind: "ExternalSecret",
    metadata: { name, namespace: ns },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { name: "aws" },
      data: [{ secretKey: "v", remoteRef: { key } }],
    },
  })
  const synced = (name: string, timeoutMs = 20_000) =>
    waitFor(
      `${name} synced`,
      async () => ((await kube.secretText(ns, name))?.["v"] === "value" ? true : undefined),
      timeoutMs,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${ctl.output.slice(-4000)}`)
    })

  beforeAll(async () => {
    const proxied = await proxiedKubeconfig(dir)
    proxy = proxied.proxy
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.secret(ns, "aws-creds", { id: "test", secret: "test" })
    await sm.send(new CreateSecretCommand({ Name: key, SecretString: "value" }))
    ctl = await ControllerProcess.start(
      ["--kubeconfig", proxied.path, "--namespace", ns, "--watch-timeout", "5s", "--store-refresh", "1h"],
      awsControllerEnv(),
    )
    await kube.apply(awsStaticStore(ns, "aws"))
    await kube.apply(es("first"))
    await synced("first")
  }, 120_000)

  afterAll(async () => {
    await ctl?.stop()
    await proxy?.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    await sm
      .send(new DeleteSecretCommand({ SecretId: key, ForceDeleteWithoutRecovery: true }))
      .catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  })

  it("should notice a cut watch connection and keep syncing", async () => {
    const restarts = await ctl.metric("sealbridge_watch_restarts_total", {})
    proxy.drop()
    await kube.apply(es("after-drop"))
    await synced("after-drop")
    expect(await ctl.metric("sealbridge_watch_restarts_total", {})).toBeGreaterThan(restarts)
    expect(ctl.child.exitCode).toBeNull()
  }, 60_000)

  it("should notice a watch that went silent (connection open, nothing arrives) and keep syncing", async () => {
    const stalls = await ctl.metric("sealbridge_watch_stalls_total", {})
    proxy.freeze()
    await kube.apply(es("after-freeze"))
    await synced("after-freeze", 40_000)
    expect(await ctl.metric("sealbridge_watch_stalls_total", {})).toBeGreaterThan(stalls)
    expect(ctl.output).toContain("stalled")
  }, 60_000)
})
