import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { awsControllerEnv } from "./controller-aws-setup.js"
import { peerEnv, requirePeer } from "./peers.js"

// An ESO IRSA manifest unchanged but for apiVersion: auth.jwt with the role on the ServiceAccount.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: AWS auth.jwt as IRSA (ESO shape)", () => {
  const id = suffix()
  const ns = `sb-irsa-${id}`
  const name = `sb-irsa-${id}/db`
  const value = `irsa-value-${id}`
  const sm = new SecretsManagerClient({})
  let kube: Kube
  let ctl: ControllerProcess

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.core.createNamespacedServiceAccount({
      namespace: ns,
      body: {
        metadata: {
          name: "app",
          annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/sb-irsa" },
        },
      },
    })
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }))
    ctl = await ControllerProcess.start(
      ["--kubeconfig", peerEnv("KUBECONFIG"), "--namespace", ns, "--hash-key-secret", `${ns}/hash-key`],
      awsControllerEnv(),
    )
  }, 120_000)

  afterAll(async () => {
    const code = await ctl?.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    await sm
      .send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }))
      .catch(() => undefined)
    expect(code).toBe(0)
  })

  it("should sync through AssumeRoleWithWebIdentity with the ServiceAccount's role and no role in the store", async () => {
    await kube.apply({
      apiVersion: "sealbridge.dev/v1alpha1",
      kind: "SecretStore",
      metadata: { name: "aws", namespace: ns },
      spec: {
        provider: {
          aws: {
            service: "SecretsManager",
            region: "us-east-1",
            auth: { jwt: { serviceAccountRef: { name: "app" } } },
          },
        },
      },
    })
    await kube.waitReady("secretstores", ns, "aws", "StoreValidated")
    await kube.apply({
      apiVersion: "sealbridge.dev/v1alpha1",
      kind: "ExternalSecret",
      metadata: { name: "db", namespace: ns },
      spec: { secretStoreRef: { name: "aws" }, data: [{ secretKey: "value", remoteRef: { key: name } }] },
    })
    await waitFor("IRSA-synced Secret", async () =>
      (await kube.secretText(ns, "db"))?.["value"] === value ? true : undefined,
    )
    expect(ctl.output).not.toContain(value)
  })
})
