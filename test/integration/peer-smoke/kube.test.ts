import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type V1Secret,
} from "@kubernetes/client-node"
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { peerEnv, requirePeer } from "../peers.js"

// A real kube-apiserver (+ etcd) through @kubernetes/client-node 1.x.
const peer = requirePeer("kube-apiserver", "KUBECONFIG")
const GROUP = "sealbridge.dev"
const PLURAL = "secretsyncs"

describe.skipIf(peer.skip)("peer smoke: Kubernetes API server via @kubernetes/client-node", () => {
  const kc = new KubeConfig()
  let core: CoreV1Api
  let custom: CustomObjectsApi
  const ns = `it-${randomUUID().slice(0, 8)}`

  beforeAll(async () => {
    kc.loadFromFile(peerEnv("KUBECONFIG"))
    core = kc.makeApiClient(CoreV1Api)
    custom = kc.makeApiClient(CustomObjectsApi)
    await core.createNamespace({ body: { metadata: { name: ns } } })
  })

  afterAll(async () => {
    await core.deleteNamespace({ name: ns }).catch(() => undefined)
  })

  it("should create a CRD and a custom object of it", async () => {
    const ext = kc.makeApiClient(ApiextensionsV1Api)
    await ext
      .createCustomResourceDefinition({
        body: {
          metadata: { name: `${PLURAL}.${GROUP}` },
          spec: {
            group: GROUP,
            scope: "Namespaced",
            names: { plural: PLURAL, singular: "secretsync", kind: "SecretSync" },
            versions: [
              {
                name: "v1alpha1",
                served: true,
                storage: true,
                schema: { openAPIV3Schema: { type: "object", x_kubernetes_preserve_unknown_fields: true } },
              },
            ],
          },
        },
      })
      .catch((err: { code?: number }) => {
        if (err.code !== 409) throw err
      })
    for (let i = 0; i < 100; i++) {
      const crd = await ext.readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` })
      if (crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const body = {
      apiVersion: `${GROUP}/v1alpha1`,
      kind: "SecretSync",
      metadata: { name: "demo" },
      spec: { refreshInterval: "1h" },
    }
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: "v1alpha1",
      namespace: ns,
      plural: PLURAL,
      body,
    })
    const got = (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: "v1alpha1",
      namespace: ns,
      plural: PLURAL,
      name: "demo",
    })) as {
      spec: { refreshInterval: string }
    }
    expect(got.spec.refreshInterval).toBe("1h")
  })

  it("should create a Secret and see its change through a watch", async () => {
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: "watched" }, stringData: { k: "v1" } },
    })
    const seen = new Promise<V1Secret>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no MODIFIED event within 10 s")), 10_000)
      void new Watch(kc)
        .watch(
          `/api/v1/namespaces/${ns}/secrets`,
          {},
          (phase, obj: V1Secret) => {
            if (phase === "MODIFIED" && obj.metadata?.name === "watched") {
              clearTimeout(timer)
              resolve(obj)
            }
          },
          (err: unknown) => (err ? reject(err as Error) : undefined),
        )
        .then((ctl) => seen.finally(() => ctl.abort()))
    })
    await new Promise((r) => setTimeout(r, 300))
    await core.replaceNamespacedSecret({
      namespace: ns,
      name: "watched",
      body: { metadata: { name: "watched" }, stringData: { k: "v2" } },
    })
    const obj = await seen
    expect(Buffer.from(obj.data?.["k"] ?? "", "base64").toString()).toBe("v2")
  })

  it("should apply a Secret server-side and record the field manager", async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc)
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "applied", namespace: ns },
      stringData: { a: "1" },
    }
    const applied = (await objects.patch(
      secret,
      undefined,
      undefined,
      "sealbridge-it",
      true,
      PatchStrategy.ServerSideApply,
    )) as V1Secret
    expect(
      applied.metadata?.managedFields?.some((f) => f.manager === "sealbridge-it" && f.operation === "Apply"),
    ).toBe(true)
    const again = await objects.patch(
      { ...secret, stringData: { a: "2" } },
      undefined,
      undefined,
      "sealbridge-it",
      true,
      PatchStrategy.ServerSideApply,
    )
    expect(Buffer.from((again as V1Secret).data?.["a"] ?? "", "base64").toString()).toBe("2")
  })
})
