import * as k8s from "@kubernetes/client-node"
import { randomUUID } from "node:crypto"
import { readFileSync } from "node:fs"
import vault from "node-vault"
import { describe, expect, it } from "vitest"
import { createVaultApi } from "../../src/clients/vault.js"
import type { ProviderDeps, VaultAuth } from "../../src/providers/provider.js"
import { VaultKvProvider } from "../../src/providers/vault/kv.js"
import { VaultSession } from "../../src/providers/vault/session.js"
import { createProvider } from "../../src/providers/registry.js"
import { peerEnv, requirePeer } from "./peers.js"

// The Vault KV provider (src/providers/vault + src/clients/vault.ts) against the OpenBao dev server.
const peer = requirePeer("vault", "VAULT_ADDR")
const dec = (b: Uint8Array | undefined): string => new TextDecoder().decode(b ?? new Uint8Array())

describe.skipIf(peer.skip)("Vault KV provider against the Vault-API peer", () => {
  const addr = peerEnv("VAULT_ADDR")
  const root = vault({ apiVersion: "v1", endpoint: addr, token: peerEnv("VAULT_TOKEN") })
  const run = randomUUID().slice(0, 8)
  const deps: ProviderDeps = { now: () => new Date(), env: {} }
  const rootAuth: VaultAuth = { kind: "token", token: peerEnv("VAULT_TOKEN") }

  /** A session we can inspect (logins/renewals/revocations) behind the real client. */
  const open = (auth: VaultAuth, path = "secret", version: "v1" | "v2" = "v2") => {
    const api = createVaultApi({ provider: "vault", server: addr, path, version, auth })
    const session = new VaultSession(api, auth, deps.now)
    return { kv: new VaultKvProvider({ path, version }, api, session), session }
  }

  /** Policy + AppRole role that may read secret/data/<run>/* and list metadata. */
  const appRole = async (ttl = "1h"): Promise<VaultAuth> => {
    const policy = `sb-${run}`
    await root.addPolicy({
      name: policy,
      rules: `path "secret/data/${run}/*" { capabilities = ["read"] }\npath "secret/metadata/${run}/*" { capabilities = ["read", "list"] }`,
    })
    const role = `sb-${run}`
    await root.write(`auth/approle/role/${role}`, {
      token_policies: policy,
      token_ttl: ttl,
      token_max_ttl: "24h",
    })
    const roleId = ((await root.read(`auth/approle/role/${role}/role-id`)) as { data: { role_id: string } })
      .data.role_id
    const secretId = (
      (await root.write(`auth/approle/role/${role}/secret-id`, {})) as { data: { secret_id: string } }
    ).data.secret_id
    return { kind: "appRole", path: "approle", roleId, secretId }
  }

  const accessors = async (): Promise<number> =>
    ((await root.list("auth/token/accessors")) as { data: { keys: string[] } }).data.keys.length

  it("should read KV v2 (latest and by version), extract maps and find by tags", async () => {
    await root.write(`secret/data/${run}/db`, { data: { user: "app", password: "one" } })
    await root.write(`secret/data/${run}/db`, { data: { user: "app", password: "two" } })
    await root.write(`secret/metadata/${run}/db`, { custom_metadata: { team: "a" } })
    await root.write(`secret/data/${run}/cache`, { data: { url: "redis://" } })
    const p = await createProvider(
      { provider: "vault", server: addr, path: "secret", version: "v2", auth: rootAuth },
      deps,
    )
    try {
      await p.validate()
      expect(JSON.parse(dec(await p.get({ key: `${run}/db` })))).toEqual({ user: "app", password: "two" })
      expect(JSON.parse(dec(await p.get({ key: `${run}/db`, version: "1" })))).toMatchObject({
        password: "one",
      })
      expect(dec((await p.getMap({ key: `${run}/db` })).get("password"))).toBe("two")
      await expect(p.get({ key: `${run}/missing` })).rejects.toMatchObject({ code: "NOT_FOUND" })
      expect([...(await p.find({ path: run })).keys()]).toEqual([`${run}/cache`, `${run}/db`])
      expect([...(await p.find({ path: run, tags: { team: "a" } })).keys()]).toEqual([`${run}/db`])
      expect([...(await p.find({ path: run, name: "cache$" })).keys()]).toEqual([`${run}/cache`])
    } finally {
      await p.close()
    }
  })

  it("should read KV v1 from its own mount", async () => {
    const mount = `kv1-${run}`
    await root.mount({ mount_point: mount, type: "kv", options: { version: "1" } })
    await root.write(`${mount}/app/cfg`, { token: "t1", n: "2" })
    const { kv } = open(rootAuth, mount, "v1")
    try {
      expect(JSON.parse(dec(await kv.get({ key: "app/cfg" })))).toEqual({ token: "t1", n: "2" })
      expect([...(await kv.find({ path: "app" })).keys()]).toEqual(["app/cfg"])
    } finally {
      await kv.close()
    }
  })

  it("should log in with AppRole once, reuse the token, and revoke it on close", async () => {
    await root.write(`secret/data/${run}/shared`, { data: { v: "ok" } })
    const auth = await appRole()
    const before = await accessors()
    const { kv, session } = open(auth)
    for (let i = 0; i < 25; i++)
      expect((JSON.parse(dec(await kv.get({ key: `${run}/shared` }))) as { v: string }).v).toBe("ok")
    expect(session.stats.logins).toBe(1)
    expect(await accessors()).toBe(before + 1)
    await kv.close()
    expect(session.stats.revocations).toBe(1)
    expect(await accessors()).toBe(before)
  })

  it("should renew the token after 2/3 of its TTL and re-login after a 403", async () => {
    await root.write(`secret/data/${run}/renew`, { data: { v: "ok" } })
    const auth = await appRole("60s")
    let skew = 0
    const api = createVaultApi({ provider: "vault", server: addr, path: "secret", version: "v2", auth })
    const session = new VaultSession(api, auth, () => new Date(Date.now() + skew))
    const kv = new VaultKvProvider({ path: "secret", version: "v2" }, api, session)
    try {
      await kv.get({ key: `${run}/renew` })
      skew = 41_000
      await kv.get({ key: `${run}/renew` })
      expect(session.stats.renewals).toBe(1)
      // revoke the session's token behind its back: the next call gets 403 and logs in again
      const lookup = (await root.list("auth/token/accessors")) as { data: { keys: string[] } }
      for (const acc of lookup.data.keys) {
        const info = (await root.write("auth/token/lookup-accessor", { accessor: acc })) as {
          data: { policies: string[] }
        }
        if (info.data.policies.includes(`sb-${run}`))
          await root.write("auth/token/revoke-accessor", { accessor: acc })
      }
      expect((JSON.parse(dec(await kv.get({ key: `${run}/renew` }))) as { v: string }).v).toBe("ok")
      expect(session.stats.logins).toBe(2)
    } finally {
      await kv.close()
    }
  })

  it("should log in with Kubernetes auth using a service-account token from the API server", async () => {
    const kc = new k8s.KubeConfig()
    kc.loadFromFile(peerEnv("KUBECONFIG"))
    const cluster = kc.getCurrentCluster()
    const core = kc.makeApiClient(k8s.CoreV1Api)
    const ns = `sb-vault-${run}`
    await core.createNamespace({ body: { metadata: { name: ns } } })
    try {
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "reader" } } })
      const mint = async (): Promise<string> => {
        const tr = await core.createNamespacedServiceAccountToken({
          name: "reader",
          namespace: ns,
          body: { spec: { audiences: [], expirationSeconds: 600 } },
        })
        return tr.status?.token ?? ""
      }
      // Vault validates the SA token through the TokenReview API with a reviewer token of its own.
      const user = kc.getCurrentUser()
      const ca =
        cluster?.caData !== undefined
          ? Buffer.from(cluster.caData, "base64").toString()
          : cluster?.caFile !== undefined
            ? readFileSync(cluster.caFile, "utf8")
            : ""
      const mountPath = `k8s-${run}`
      await root.enableAuth({ mount_point: mountPath, type: "kubernetes" })
      await root.write(`auth/${mountPath}/config`, {
        kubernetes_host: cluster?.server,
        kubernetes_ca_cert: ca,
        ...(user?.token === undefined ? {} : { token_reviewer_jwt: user.token }),
        disable_local_ca_jwt: true,
      })
      await root.addPolicy({
        name: `sbk-${run}`,
        rules: `path "secret/data/${run}/*" { capabilities = ["read"] }`,
      })
      await root.write(`auth/${mountPath}/role/reader`, {
        bound_service_account_names: "reader",
        bound_service_account_namespaces: ns,
        token_policies: `sbk-${run}`,
        token_ttl: "10m",
      })
      await root.write(`secret/data/${run}/k8s`, { data: { v: "from-k8s" } })
      let jwts = 0
      const auth: VaultAuth = { kind: "kubernetes", mountPath, role: "reader", jwt: () => (jwts++, mint()) }
      const { kv, session } = open(auth)
      try {
        expect((JSON.parse(dec(await kv.get({ key: `${run}/k8s` }))) as { v: string }).v).toBe("from-k8s")
        await kv.get({ key: `${run}/k8s` })
        expect([session.stats.logins, jwts]).toEqual([1, 1])
      } finally {
        await kv.close()
      }
    } finally {
      await core.deleteNamespace({ name: ns })
    }
  })
})
