import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import {
  appRole,
  externalSecret,
  kubernetesAuthMount,
  startController,
  vaultRoot,
  vaultStore,
} from "./controller-vault-fixture.js"
import { peerEnv, requirePeer } from "./peers.js"

// The built controller against kube-apiserver and the Vault-API peer (OpenBao dev server):
// KV v2 and v1, token / Kubernetes / AppRole auth, refresh, loss of access, no values leaked.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")

describe.skipIf(kubePeer.skip || vaultPeer.skip)("controller: Vault KV end to end", () => {
  const id = suffix()
  const ns = `sb-vault-${id}`
  const root = vaultRoot()
  const policy = `sbv-${id}`
  const v1Mount = `sbkv1-${id}`
  const k8sMount = `sbk8s-${id}`
  const db = `${id}/db`
  // Every value and credential: none may show up in logs, events or status.
  const values = {
    user: "vault-user-4kd",
    pass1: "vault-pass-1qa",
    pass2: "vault-pass-2ws",
    v1: "v1-token-8ju",
  }
  const pass3 = "vault-pass-3ed"
  const credentials: string[] = []
  /** The password Vault holds now (a test below changes it). */
  let current = values.pass2
  let revocable = ""
  let kube: Kube
  let ctl: ControllerProcess

  const policyRules = (readable: boolean) =>
    [
      `path "secret/data/${id}/*" { capabilities = [${readable ? '"read"' : ""}] }`,
      `path "secret/metadata/${id}/*" { capabilities = ["read", "list"] }`,
      `path "${v1Mount}/*" { capabilities = ["read", "list"] }`,
    ].join("\n")
  // auth/token/create through write(): node-vault's tokenCreate() would switch the client to the new token.
  const childToken = async (): Promise<string> => {
    const res = (await root.write("auth/token/create", { policies: [policy], ttl: "1h" })) as {
      auth: { client_token: string }
    }
    credentials.push(res.auth.client_token)
    return res.auth.client_token
  }
  const text = (name: string) => kube.secretText(ns, name)
  const sorted = (o: Record<string, string> | undefined) =>
    o === undefined ? "" : JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
  /** Waits for the Secret's exact data; on timeout says which keys it had and the Ready condition. */
  const until = async (what: string, name: string, want: Record<string, string>, ms = 20_000) => {
    try {
      await waitFor(what, async () => (sorted(await text(name)) === sorted(want) ? true : undefined), ms)
    } catch (err) {
      const keys = Object.keys((await text(name)) ?? {}).join(",")
      const ready = JSON.stringify(await kube.ready("externalsecrets", ns, name))
      throw new Error(`${(err as Error).message} (keys: ${keys}; Ready: ${ready})`, { cause: err })
    }
  }
  const notReady = (name: string, ms = 30_000) =>
    waitFor(
      `${name} Ready False`,
      async () => {
        const c = await kube.ready("externalsecrets", ns, name)
        return c?.status === "False" ? c : undefined
      },
      ms,
    )

  /** The audience the API server puts in a TokenRequest that names none. */
  const apiAudience = async (): Promise<string> => {
    const tr = await kube.core.createNamespacedServiceAccountToken({
      namespace: ns,
      name: "reader",
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    })
    const payload = (tr.status?.token ?? "").split(".")[1] ?? ""
    const aud = (JSON.parse(Buffer.from(payload, "base64url").toString()) as { aud: string[] }).aud
    return aud[0] ?? ""
  }

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "reader" } } })

    await root.addPolicy({ name: policy, rules: policyRules(true) })
    await root.write(`secret/data/${db}`, { data: { user: values.user, password: values.pass1 } })
    await root.write(`secret/data/${db}`, { data: { user: values.user, password: values.pass2 } })
    await root.mount({ mount_point: v1Mount, type: "kv", options: { version: "1" } })
    await root.write(`${v1Mount}/app/cfg`, { token: values.v1, port: "8080" })
    await kubernetesAuthMount(root, kube, k8sMount)
    // As ESO: with no serviceAccountRef.audiences the TokenRequest carries the API server's
    // default audience, so a role set up for ESO (pinned to that audience) works unchanged...
    const k8sRole = { bound_service_account_names: "reader", bound_service_account_namespaces: ns }
    await root.write(`auth/${k8sMount}/role/reader`, {
      ...k8sRole,
      audience: await apiAudience(),
      token_policies: policy,
      token_ttl: "10m",
    })
    // ...and serviceAccountRef.audiences meets a role that pins its audience.
    await root.write(`auth/${k8sMount}/role/reader-aud`, {
      ...k8sRole,
      audience: "vault",
      token_policies: policy,
      token_ttl: "10m",
    })
    const role = await appRole(root, policy, policy)
    credentials.push(role.secretId)

    await kube.secret(ns, "vault-token", { token: await childToken() })
    revocable = await childToken()
    await kube.secret(ns, "revocable-token", { token: revocable })
    await kube.secret(ns, "approle", { "secret-id": role.secretId })
    ctl = await startController([ns])

    const token = { tokenSecretRef: { name: "vault-token", key: "token" } }
    await kube.apply(vaultStore(ns, "token", token))
    await kube.apply(vaultStore(ns, "v1", token, { path: v1Mount, version: "v1" }))
    await kube.apply(
      vaultStore(ns, "k8s", {
        kubernetes: { mountPath: k8sMount, role: "reader", serviceAccountRef: { name: "reader" } },
      }),
    )
    await kube.apply(
      vaultStore(ns, "k8s-aud", {
        kubernetes: {
          mountPath: k8sMount,
          role: "reader-aud",
          serviceAccountRef: { name: "reader", audiences: ["vault"] },
        },
      }),
    )
    await kube.apply(
      vaultStore(ns, "approle", {
        appRole: { path: "approle", roleId: role.roleId, secretRef: { name: "approle", key: "secret-id" } },
      }),
    )
    await kube.apply(
      vaultStore(ns, "revocable", { tokenSecretRef: { name: "revocable-token", key: "token" } }),
    )
    for (const s of ["token", "v1", "k8s", "k8s-aud", "approle", "revocable"])
      await kube.waitReady("secretstores", ns, s, "StoreValidated")
  }, 120_000)

  afterAll(async () => {
    const code = await ctl?.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    await root.delete(`secret/metadata/${db}`).catch(() => undefined)
    await root.unmount({ mount_point: v1Mount }).catch(() => undefined)
    await root.disableAuth({ mount_point: k8sMount }).catch(() => undefined)
    await root.delete(`auth/approle/role/${policy}`).catch(() => undefined)
    await root.delete(`sys/policy/${policy}`).catch(() => undefined)
    for (const t of credentials) await root.tokenRevoke({ token: t }).catch(() => undefined)
    expect(code).toBe(0)
  })

  it("should sync KV v2 with a token: property, an older version and dataFrom extract", async () => {
    await kube.apply(
      externalSecret(ns, "v2", "token", {
        refreshInterval: "1h",
        data: [
          { secretKey: "password", remoteRef: { key: db, property: "password" } },
          { secretKey: "first", remoteRef: { key: db, property: "password", version: "1" } },
        ],
        dataFrom: [{ extract: { key: db }, rewrite: [{ regexp: { source: "^", target: "x-" } }] }],
      }),
    )
    await until("v2 Secret", "v2", {
      password: values.pass2,
      first: values.pass1,
      "x-user": values.user,
      "x-password": values.pass2,
    })
    expect(await kube.ready("externalsecrets", ns, "v2")).toMatchObject({
      status: "True",
      reason: "SecretSynced",
    })
  })

  it("should sync KV v1 from a mount of its own", async () => {
    await kube.apply(
      externalSecret(ns, "v1", "v1", {
        data: [{ secretKey: "token", remoteRef: { key: "app/cfg", property: "token" } }],
        dataFrom: [{ extract: { key: "app/cfg" } }],
      }),
    )
    await until("v1 Secret", "v1", { token: values.v1, port: "8080" })
  })

  it("should log in with Kubernetes auth (TokenRequest validated by Vault against the API server) and with AppRole", async () => {
    for (const store of ["k8s", "k8s-aud", "approle"])
      await kube.apply(
        externalSecret(ns, `via-${store}`, store, {
          data: [{ secretKey: "user", remoteRef: { key: db, property: "user" } }],
        }),
      )
    await until("k8s Secret", "via-k8s", { user: values.user })
    await until("k8s (audience vault) Secret", "via-k8s-aud", { user: values.user })
    await until("approle Secret", "via-approle", { user: values.user })
  })

  it("should follow a remote change within the refresh interval", async () => {
    await kube.apply(
      externalSecret(ns, "follow", "k8s", {
        data: [{ secretKey: "password", remoteRef: { key: db, property: "password" } }],
      }),
    )
    await until("follow v2", "follow", { password: values.pass2 })
    await root.write(`secret/data/${db}`, { data: { user: values.user, password: pass3 } })
    current = pass3
    const started = Date.now()
    await until("follow v3", "follow", { password: pass3 }, 10_000)
    expect(Date.now() - started).toBeLessThan(10_000)
    await until("v2 (refreshInterval 1h) unchanged", "v2", {
      password: values.pass2,
      first: values.pass1,
      "x-user": values.user,
      "x-password": values.pass2,
    })
  })

  it("should tell a missing secret (SecretNotFound) from a path the policy denies (AccessDenied)", async () => {
    await kube.apply(
      externalSecret(ns, "missing", "token", {
        data: [{ secretKey: "v", remoteRef: { key: `${id}/nothing-here` } }],
      }),
    )
    await kube.apply(
      externalSecret(ns, "forbidden", "token", {
        data: [{ secretKey: "v", remoteRef: { key: `${id}-elsewhere/x` } }],
      }),
    )
    const missing = await kube.waitReady("externalsecrets", ns, "missing", "SecretNotFound")
    expect(missing.message).toContain(`${id}/nothing-here`)
    const denied = await kube.waitReady("externalsecrets", ns, "forbidden", "AccessDenied")
    expect(denied.status).toBe("False")
    expect(denied.message).toContain("permission denied")
  })

  it("should keep the last Secret and go Ready False when the policy stops allowing reads, and recover", async () => {
    await kube.apply(
      externalSecret(ns, "policy", "approle", {
        data: [{ secretKey: "password", remoteRef: { key: db, property: "password" } }],
      }),
    )
    await until("policy synced", "policy", { password: current })
    await root.addPolicy({ name: policy, rules: policyRules(false) })
    try {
      const r = await kube.waitReady("externalsecrets", ns, "policy", "AccessDenied", 30_000)
      expect(r.status).toBe("False")
      expect(await text("policy")).toEqual({ password: current })
      // the store itself still authenticates: only the read is refused
      expect(await kube.ready("secretstores", ns, "approle")).toMatchObject({ status: "True" })
    } finally {
      await root.addPolicy({ name: policy, rules: policyRules(true) })
    }
    await kube.waitReady("externalsecrets", ns, "policy", "SecretSynced", 30_000)
  })

  it("should keep the last Secret and go Ready False with a redacted message when its token is revoked", async () => {
    await kube.apply(
      externalSecret(ns, "revoked", "revocable", {
        data: [{ secretKey: "password", remoteRef: { key: db, property: "password" } }],
      }),
    )
    await until("revoked synced", "revoked", { password: current })
    await root.write("auth/token/revoke", { token: revocable })
    const r = await notReady("revoked")
    expect(["AccessDenied", "StoreNotReady"]).toContain(r.reason)
    expect(await text("revoked")).toEqual({ password: current })
    const store = await kube.waitReady("secretstores", ns, "revocable", "ValidationFailed", 30_000)
    expect(store.message).toContain("permission denied")
  })

  it("should never put a value or credential in logs, events or status", async () => {
    const names = [
      "v2",
      "v1",
      "via-k8s",
      "via-approle",
      "follow",
      "missing",
      "forbidden",
      "policy",
      "revoked",
    ]
    const statuses = JSON.stringify(
      await Promise.all(names.map((n) => kube.get("externalsecrets", ns, n))).then((objs) =>
        objs.map((o) => o["status"]),
      ),
    )
    const storeStatuses = JSON.stringify(
      await Promise.all(
        ["token", "v1", "k8s", "k8s-aud", "approle", "revocable"].map((n) => kube.get("secretstores", ns, n)),
      ).then((objs) => objs.map((o) => o["status"])),
    )
    const events = await kube.events(ns)
    expect(events).toContain("SecretSynced")
    expect(events).toContain("AccessDenied")
    for (const v of [...Object.values(values), pass3, ...credentials]) {
      expect(ctl.output).not.toContain(v)
      expect(events).not.toContain(v)
      expect(statuses).not.toContain(v)
      expect(storeStatuses).not.toContain(v)
    }
    // no service-account JWT either
    expect(ctl.output).not.toMatch(/eyJ[\w-]{20,}/)
    for (const line of ctl.stdout.trim().split("\n"))
      expect(() => JSON.parse(line) as unknown, line).not.toThrow()
  })
})
