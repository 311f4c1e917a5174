import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode } from "../../src/index.js"
import { Kind } from "../../controller/api/constants.js"
import { controllerOptions } from "../../controller/flags.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { RefIndex, workKey } from "../../controller/refs.js"
import { templateRenderer } from "../../controller/templates.js"
import { harness, readyVaultStore } from "./fakes.js"

describe("RefIndex", () => {
  it("should map stores to their ExternalSecrets and Secrets to their owners, and forget on delete", () => {
    const idx = new RefIndex()
    const es = (name: string, spec: unknown) => ({ metadata: { name, namespace: "ns" }, spec })
    idx.update(
      Kind.ExternalSecret,
      es("a", { secretStoreRef: { name: "s" }, target: { name: "out" } }),
      false,
    )
    idx.update(
      Kind.ExternalSecret,
      es("b", { secretStoreRef: { name: "c", kind: "ClusterSecretStore" } }),
      false,
    )
    idx.update(Kind.SopsSecret, es("c", {}), false)
    expect(idx.dependentsOfStore(workKey(Kind.SecretStore, "ns", "s"))).toEqual(["ExternalSecret/ns/a"])
    expect(idx.dependentsOfStore(workKey(Kind.ClusterSecretStore, "", "c"))).toEqual(["ExternalSecret/ns/b"])
    expect(idx.ownersOfSecret("ns", "out")).toEqual(["ExternalSecret/ns/a"])
    expect(idx.ownersOfSecret("ns", "b")).toEqual(["ExternalSecret/ns/b"])
    expect(idx.ownersOfSecret("ns", "c")).toEqual(["SopsSecret/ns/c"])
    idx.update(Kind.ExternalSecret, es("a", { secretStoreRef: { name: "other" } }), false)
    expect(idx.dependentsOfStore(workKey(Kind.SecretStore, "ns", "s"))).toEqual([])
    idx.update(Kind.ExternalSecret, es("b", {}), true)
    expect(idx.ownersOfSecret("ns", "b")).toEqual([])
  })
})

describe("controller flags", () => {
  it("should apply defaults and derive the hash-key Secret from POD_NAMESPACE", () => {
    const o = controllerOptions({ namespace: ["a,b", "c"] }, { POD_NAMESPACE: "sb" }, () => undefined)
    expect(o).toMatchObject({
      namespaces: ["a", "b", "c"],
      concurrency: 4,
      metricsPort: 8080,
      healthPort: 8081,
      hashKeySecret: "sb/sealbridge-hash-key",
      storeRefreshMs: 300_000,
    })
  })

  it("should name the flag that is wrong", () => {
    expect(() => controllerOptions({ concurrency: "0" }, {}, () => undefined)).toThrow(
      "--concurrency: expected an integer ≥ 1",
    )
    expect(() => controllerOptions({ storeRefresh: "soon" }, {}, () => undefined)).toThrow(
      "--store-refresh: invalid duration",
    )
  })
})

describe("templates", () => {
  const render = (source: string, values: Readonly<Record<string, string>>) => {
    if (source.includes("nosuchfn"))
      throw new BridgeError(ErrorCode.Config, 'line 1: function "nosuchfn" not defined')
    return source.replace(/\{\{ \.(\w+) \}\}/g, (_m, k: string) => values[k] ?? "")
  }

  it("should render target.template.data over the fetched values and set the Secret type", async () => {
    const h = harness()
    const deps = { ...h.deps, renderTemplate: templateRenderer(render) }
    await readyVaultStore(h, "ns", "s", deps)
    h.provider.put("db", { user: "u", pass: "p" })
    h.kube.put(Kind.ExternalSecret, "ns", "e", {
      secretStoreRef: { name: "s" },
      target: {
        template: {
          type: "kubernetes.io/basic-auth",
          data: { username: "{{ .user }}", dsn: "db://{{ .user }}:{{ .pass }}@h" },
        },
      },
      dataFrom: [{ extract: { key: "db" } }],
    })
    await reconcileExternalSecret(
      deps,
      { kind: Kind.ExternalSecret, namespace: "ns", name: "e" },
      new AbortController().signal,
    )
    expect(h.kube.secretText("ns", "e")).toEqual({ username: "u", dsn: "db://u:p@h" })
    expect(h.kube.secrets.get("ns/e")?.type).toBe("kubernetes.io/basic-auth")

    h.kube.put(Kind.ExternalSecret, "ns", "e", {
      secretStoreRef: { name: "s" },
      target: { template: { data: { x: "{{ nosuchfn .user }}" } } },
      dataFrom: [{ extract: { key: "db" } }],
    })
    await reconcileExternalSecret(
      deps,
      { kind: Kind.ExternalSecret, namespace: "ns", name: "e" },
      new AbortController().signal,
    )
    expect(h.kube.ready(Kind.ExternalSecret, "ns", "e")).toMatchObject({
      reason: "TemplateError",
      message: 'target.template.data.x: line 1: function "nosuchfn" not defined',
    })
    expect(h.kube.secretText("ns", "e")).toEqual({ username: "u", dsn: "db://u:p@h" })

    // metadata values are templates as well (ESO), and their errors name the field
    h.kube.put(Kind.ExternalSecret, "ns", "e", {
      secretStoreRef: { name: "s" },
      target: {
        template: {
          metadata: { labels: { who: "{{ .user }}" }, annotations: { a: "{{ nosuchfn .user }}" } },
        },
      },
      dataFrom: [{ extract: { key: "db" } }],
    })
    await reconcileExternalSecret(
      deps,
      { kind: Kind.ExternalSecret, namespace: "ns", name: "e" },
      new AbortController().signal,
    )
    expect(h.kube.ready(Kind.ExternalSecret, "ns", "e")).toMatchObject({
      reason: "TemplateError",
      message: 'target.template.metadata.annotations.a: line 1: function "nosuchfn" not defined',
    })
    h.kube.put(Kind.ExternalSecret, "ns", "e", {
      secretStoreRef: { name: "s" },
      target: { template: { metadata: { labels: { who: "{{ .user }}" } } } },
      dataFrom: [{ extract: { key: "db" } }],
    })
    await reconcileExternalSecret(
      deps,
      { kind: Kind.ExternalSecret, namespace: "ns", name: "e" },
      new AbortController().signal,
    )
    expect(h.kube.secrets.get("ns/e")?.metadata.labels).toMatchObject({ who: "u" })
    expect(h.kube.secretText("ns", "e")).toEqual({ user: "u", pass: "p" })
  })
})
