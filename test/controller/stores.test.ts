import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode } from "../../src/index.js"
import { Kind } from "../../controller/api/constants.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { reconcileStore } from "../../controller/reconcile/store.js"
import { harness } from "./fakes.js"

const signal = new AbortController().signal
const vault = (auth: unknown) => ({
  provider: { vault: { server: "http://127.0.0.1:8200", path: "secret", auth } },
})

describe("stores", () => {
  it("should be Ready from a real validate() call and hand resolved credentials to the factory", async () => {
    const h = harness()
    h.kube.putSecret("ns1", "tok", { token: "the-token\n" })
    h.kube.put(Kind.SecretStore, "ns1", "s", vault({ tokenSecretRef: { name: "tok", key: "token" } }))
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
    expect(h.kube.ready(Kind.SecretStore, "ns1", "s")).toMatchObject({
      status: "True",
      reason: "StoreValidated",
    })
    expect(h.configs[0]).toMatchObject({
      provider: "vault",
      version: "v2",
      auth: { kind: "token", token: "the-token" },
    })
    expect(h.provider.total).toBe(1)
  })

  it("should go Ready False ValidationFailed when validation fails, and the ExternalSecret StoreNotReady", async () => {
    const h = harness()
    h.kube.putSecret("ns1", "tok", { token: "t" })
    h.kube.put(Kind.SecretStore, "ns1", "s", vault({ tokenSecretRef: { name: "tok", key: "token" } }))
    h.provider.failWith(new BridgeError(ErrorCode.Provider, "permission denied", { retryable: true }))
    expect(
      await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal),
    ).toEqual({ retry: true })
    expect(h.kube.ready(Kind.SecretStore, "ns1", "s")).toMatchObject({
      status: "False",
      reason: "ValidationFailed",
    })
    h.kube.put(Kind.ExternalSecret, "ns1", "e", {
      secretStoreRef: { name: "s" },
      data: [{ secretKey: "k", remoteRef: { key: "k" } }],
    })
    const calls = h.provider.total
    await reconcileExternalSecret(h.deps, { kind: Kind.ExternalSecret, namespace: "ns1", name: "e" }, signal)
    expect(h.kube.ready(Kind.ExternalSecret, "ns1", "e")).toMatchObject({ reason: "StoreNotReady" })
    expect(h.provider.total).toBe(calls)
  })

  it("should report a missing credentials Secret as InvalidProviderConfig", async () => {
    const h = harness()
    h.kube.put(Kind.SecretStore, "ns1", "s", vault({ tokenSecretRef: { name: "nope", key: "token" } }))
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
    expect(h.kube.ready(Kind.SecretStore, "ns1", "s")).toMatchObject({
      reason: "InvalidProviderConfig",
      message: "tokenSecretRef: key token of Secret ns1/nope not found",
    })
  })

  it("should refuse a SecretStore reference into another namespace", async () => {
    const h = harness()
    h.kube.put(
      Kind.SecretStore,
      "ns1",
      "s",
      vault({ tokenSecretRef: { name: "tok", key: "token", namespace: "ns2" } }),
    )
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
    expect(h.kube.ready(Kind.SecretStore, "ns1", "s")?.message).toBe(
      "tokenSecretRef.namespace: a SecretStore may only use its own namespace",
    )
  })

  describe("aws auth.jwt read as ESO reads it (IRSA)", () => {
    const aws = (extra: Record<string, unknown> = {}) => ({
      provider: {
        aws: {
          service: "SecretsManager",
          region: "eu-west-1",
          auth: { jwt: { serviceAccountRef: { name: "app", audiences: ["extra-aud"] } } },
          ...extra,
        },
      },
    })
    const configOf = async (spec: unknown, annotations: Record<string, string> | null) => {
      const h = harness()
      if (annotations !== null) h.kube.serviceAccounts.set("ns1/app", annotations)
      h.kube.put(Kind.SecretStore, "ns1", "s", spec)
      await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
      const config = h.configs[0]
      return { h, config }
    }

    it("should take the web-identity role and audience from the ServiceAccount and assume spec.role on top", async () => {
      const irsa = "arn:aws:iam::123456789012:role/irsa"
      const { h, config } = await configOf(aws({ role: "arn:aws:iam::123456789012:role/extra" }), {
        "eks.amazonaws.com/role-arn": irsa,
        "eks.amazonaws.com/audience": "my-aud",
      })
      expect(config).toMatchObject({
        provider: "aws",
        role: "arn:aws:iam::123456789012:role/extra",
        auth: { kind: "webIdentity", roleArn: irsa },
      })
      if (config?.provider !== "aws" || config.auth.kind !== "webIdentity") throw new Error("wrong config")
      expect(await config.auth.token()).toBe("token-for-ns1-app")
      expect(h.kube.tokens).toEqual([{ namespace: "ns1", sa: "app", audiences: ["my-aud", "extra-aud"] }])
    })

    it("should default the audience to sts.amazonaws.com and fall back to spec.role without the annotation", async () => {
      const role = "arn:aws:iam::123456789012:role/fallback"
      const { h, config } = await configOf(aws({ role }), {})
      expect(config).toMatchObject({ auth: { kind: "webIdentity", roleArn: role } })
      expect(config).not.toHaveProperty("role")
      if (config?.provider !== "aws" || config.auth.kind !== "webIdentity") throw new Error("wrong config")
      await config.auth.token()
      expect(h.kube.tokens[0]?.audiences).toEqual(["sts.amazonaws.com", "extra-aud"])
    })

    it("should say which annotation is missing, and when the ServiceAccount does not exist", async () => {
      const none = await configOf(aws(), {})
      expect(none.h.kube.ready(Kind.SecretStore, "ns1", "s")?.message).toContain(
        "has no eks.amazonaws.com/role-arn annotation",
      )
      const missing = await configOf(aws(), null)
      expect(missing.h.kube.ready(Kind.SecretStore, "ns1", "s")?.message).toContain(
        "serviceaccount ns1/app not found",
      )
    })
  })

  it("should mint service-account tokens through TokenRequest for Vault kubernetes auth", async () => {
    const h = harness()
    h.kube.put(
      Kind.SecretStore,
      "ns1",
      "s",
      vault({ kubernetes: { role: "r", serviceAccountRef: { name: "reader" } } }),
    )
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
    const config = h.configs[0]
    if (config?.provider !== "vault" || config.auth.kind !== "kubernetes") throw new Error("wrong config")
    expect(config.auth.mountPath).toBe("kubernetes")
    expect(await config.auth.jwt()).toBe("token-for-ns1-reader")
    expect(h.kube.tokens).toEqual([{ namespace: "ns1", sa: "reader", audiences: [] }])
  })

  it("should not let an ExternalSecret use a SecretStore of another namespace", async () => {
    const h = harness()
    h.kube.putSecret("ns1", "tok", { token: "t" })
    h.kube.put(Kind.SecretStore, "ns1", "s", vault({ tokenSecretRef: { name: "tok", key: "token" } }))
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
    h.provider.put("k", "v")
    h.kube.put(Kind.ExternalSecret, "ns2", "e", {
      secretStoreRef: { name: "s" },
      data: [{ secretKey: "k", remoteRef: { key: "k" } }],
    })
    await reconcileExternalSecret(h.deps, { kind: Kind.ExternalSecret, namespace: "ns2", name: "e" }, signal)
    expect(h.kube.ready(Kind.ExternalSecret, "ns2", "e")).toMatchObject({
      reason: "StoreNotFound",
      message: "SecretStore s not found in namespace ns2",
    })
    expect(h.kube.secrets.has("ns2/e")).toBe(false)
  })

  it("should honour ClusterSecretStore namespace conditions (names, regexes, label selectors)", async () => {
    const h = harness()
    h.kube.putSecret("ops", "tok", { token: "t" })
    h.kube.put(Kind.ClusterSecretStore, undefined, "shared", {
      ...vault({ tokenSecretRef: { name: "tok", key: "token", namespace: "ops" } }),
      conditions: [
        { namespaces: ["allowed"] },
        { namespaceRegexes: ["^team-"] },
        { namespaceSelector: { matchLabels: { tier: "gold" } } },
      ],
    })
    await reconcileStore(h.deps, { kind: Kind.ClusterSecretStore, name: "shared" }, signal)
    expect(h.kube.ready(Kind.ClusterSecretStore, undefined, "shared")).toMatchObject({ status: "True" })
    h.provider.put("k", "v")
    h.kube.namespaces.set("gold-ns", { tier: "gold" })
    h.kube.namespaces.set("denied", { tier: "silver" })
    for (const ns of ["allowed", "team-x", "gold-ns", "denied"]) {
      h.kube.put(Kind.ExternalSecret, ns, "e", {
        secretStoreRef: { name: "shared", kind: "ClusterSecretStore" },
        data: [{ secretKey: "k", remoteRef: { key: "k" } }],
      })
      await reconcileExternalSecret(h.deps, { kind: Kind.ExternalSecret, namespace: ns, name: "e" }, signal)
    }
    expect(h.kube.secretText("allowed", "e")).toEqual({ k: "v" })
    expect(h.kube.secretText("team-x", "e")).toEqual({ k: "v" })
    expect(h.kube.secretText("gold-ns", "e")).toEqual({ k: "v" })
    expect(h.kube.secrets.has("denied/e")).toBe(false)
    expect(h.kube.ready(Kind.ExternalSecret, "denied", "e")).toMatchObject({ reason: "StoreNotAllowed" })
  })

  it("should build one provider per store and reuse it across ExternalSecrets", async () => {
    const h = harness()
    h.kube.putSecret("ns1", "tok", { token: "t" })
    h.kube.put(Kind.SecretStore, "ns1", "s", vault({ tokenSecretRef: { name: "tok", key: "token" } }))
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
    h.provider.put("k", "v")
    for (const name of ["e1", "e2", "e3"]) {
      h.kube.put(Kind.ExternalSecret, "ns1", name, {
        secretStoreRef: { name: "s" },
        data: [{ secretKey: "k", remoteRef: { key: "k" } }],
      })
      await reconcileExternalSecret(h.deps, { kind: Kind.ExternalSecret, namespace: "ns1", name }, signal)
    }
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: "ns1", name: "s" }, signal)
    expect(h.configs).toHaveLength(1)
  })
})
