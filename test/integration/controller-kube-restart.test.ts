import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ControllerProcess, Kube, sleep, suffix, waitFor } from "./controller-harness.js"
import { peerEnv, requirePeer } from "./peers.js"
import type { TcpProxy } from "./tcp-proxy.js"
import { awsControllerEnv, awsStaticStore, proxiedKubeconfig } from "./controller-aws-setup.js"

// The API server goes away mid-run (its connections are cut and refused, as in a restart) and
// comes back: the controller's watches must recover and keep syncing, with no controller restart.
// A TCP proxy in front of the shared kube-apiserver stands in for the restart.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: kube-apiserver restart mid-run", () => {
  const id = suffix()
  const ns = `sb-r-${id}`
  const key = `sb-restart-${id}`
  const sm = new SecretsManagerClient({})
  const dir = mkdtempSync(join(tmpdir(), "sb-kube-"))
  let proxy: TcpProxy
  let kube: Kube
  let ctl: ControllerProcess

  beforeAll(async () => {
    const proxied = await proxiedKubeconfig(dir)
    proxy = proxied.proxy
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.secret(ns, "aws-creds", { id: "test", secret: "test" })
    await sm.send(new CreateSecretCommand({ Name: key, SecretString: "before-restart" }))
    ctl = await ControllerProcess.start(
      ["--kubeconfig", proxied.path, "--namespace", ns, "--watch-timeout", "10s", "--store-refresh", "1h"],
      awsControllerEnv(),
    )
    await kube.apply(awsStaticStore(ns, "aws"))
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

  it("should resume watching and syncing after the API server was unreachable", async () => {
    const es = (name: string) => ({
      apiVersion: "sealbridge.dev/v1alpha1",
      kind: "ExternalSecret",
      metadata: { name, namespace: ns },
      spec: {
        refreshInterval: "1s",
        secretStoreRef: { name: "aws" },
        data: [{ secretKey: "v", remoteRef: { key } }],
      },
    })
    await kube.apply(es("first"))
    await waitFor("first synced", async () =>
      (await kube.secretText(ns, "first"))?.["v"] === "before-restart" ? true : undefined,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${ctl.output}`)
    })
    await proxy.stop()
    await sleep(3_000)
    await proxy.start()
    // A change made after the outage must arrive through the recovered watches and refreshes.
    await sm.send(new PutSecretValueCommand({ SecretId: key, SecretString: "after-restart" }))
    await kube.apply(es("second"))
    await waitFor(
      "first follows the remote change",
      async () => ((await kube.secretText(ns, "first"))?.["v"] === "after-restart" ? true : undefined),
      40_000,
    )
    await waitFor(
      "second (created after the outage) synced",
      async () => ((await kube.secretText(ns, "second"))?.["v"] === "after-restart" ? true : undefined),
      40_000,
    )
    expect(ctl.child.exitCode).toBeNull()
    expect(ctl.output).toContain('"msg":"watch restarting"')
  })
})
