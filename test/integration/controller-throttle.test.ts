import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { awsControllerEnv, awsStaticStore } from "./controller-aws-setup.js"
import { ControllerProcess, Kube, suffix } from "./controller-harness.js"
import { AwsCountProxy } from "./aws-count-proxy.js"
import { peerEnv, requirePeer } from "./peers.js"

// Secrets Manager throttles (a proxy in front of moto answers GetSecretValue with AWS's
// ThrottlingException): the store pauses as a whole instead of every ExternalSecret retrying
// on its own, and everything syncs once the provider answers again.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

const KEYS = 20
const THROTTLE_MS = 4_000

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: provider throttling", () => {
  const id = suffix()
  const ns = `sb-thr-${id}`
  const p = `sb-thr-${id}`
  const sm = new SecretsManagerClient({})
  const moto = new AwsCountProxy(peerEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER"))
  let kube: Kube
  let ctl: ControllerProcess

  const es = (k: number) => ({
    apiVersion: "sealbridge.dev/v1alpha1",
    kind: "ExternalSecret",
    metadata: { name: `es-${k}`, namespace: ns },
    spec: {
      secretStoreRef: { name: "aws" },
      refreshInterval: "1h",
      data: [{ secretKey: "value", remoteRef: { key: `${p}/k${k}` } }],
    },
  })

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.secret(ns, "aws-creds", { id: "test", secret: "test" })
    for (let k = 0; k < KEYS; k++)
      await sm.send(new CreateSecretCommand({ Name: `${p}/k${k}`, SecretString: `value-${k}-${id}` }))
    await moto.start()
    ctl = await ControllerProcess.start(
      ["--kubeconfig", peerEnv("KUBECONFIG"), "--namespace", ns, "--store-refresh", "10m"],
      { ...awsControllerEnv(), AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url, AWS_ENDPOINT_URL_STS: moto.url },
    )
    await kube.apply(awsStaticStore(ns, "aws"))
    await kube.waitReady("secretstores", ns, "aws", "StoreValidated")
  }, 120_000)

  afterAll(async () => {
    moto.throttle = undefined
    const code = await ctl?.stop()
    await moto.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    for (let k = 0; k < KEYS; k++)
      await sm
        .send(new DeleteSecretCommand({ SecretId: `${p}/k${k}`, ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined)
    expect(code).toBe(0)
  })

  it(`should pause the store as a whole while it throttles (${KEYS} ExternalSecrets) and sync all once it answers`, async () => {
    moto.throttle = "GetSecretValue"
    for (let k = 0; k < KEYS; k++) await kube.apply(es(k))
    await new Promise((r) => setTimeout(r, THROTTLE_MS))
    const throttled = moto.throttled
    moto.throttle = undefined
    // Each of the KEYS objects would have asked at least once without the shared pause (1 s,
    // doubling); with it, a handful of calls probe the store while everything else waits.
    expect(throttled).toBeGreaterThan(0)
    expect(throttled).toBeLessThan(KEYS / 2)
    for (let k = 0; k < KEYS; k++)
      await kube.waitReady("externalsecrets", ns, `es-${k}`, "SecretSynced", 90_000)
    expect(await kube.secretText(ns, `es-${KEYS - 1}`)).toEqual({ value: `value-${KEYS - 1}-${id}` })
    // Every throttling answer that reached the controller is in its metrics, and no more.
    expect(
      await ctl.metric("sealbridge_provider_calls_total", {
        store: `SecretStore/${ns}/aws`,
        result: "throttled",
      }),
    ).toBe(throttled)
  }, 180_000)
})
