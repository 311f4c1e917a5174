// The remote side of bench/controller.mjs: distinct secrets on moto (Secrets Manager) and on
// OpenBao (a fresh KV v2 mount), a fresh AppRole mount whose tokens the bench can count, and
// their removal. Called straight against the peers (not through the counting proxies).
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { randomBytes } from "node:crypto"

/** Runs `fn` over `items` with at most `n` in flight. */
export async function pool(items, n, fn) {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker))
}

function smClient(env) {
  return new SecretsManagerClient({
    endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    region: env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "test",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "test",
    },
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export class VaultAdmin {
  constructor(addr, token) {
    this.addr = addr
    this.token = token
  }

  async call(method, path, body, { retries = 0 } = {}) {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.addr}/v1/${path}`, {
        method,
        headers: { "X-Vault-Token": this.token, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await res.text()
      if (res.ok) return text === "" ? {} : JSON.parse(text)
      if (attempt >= retries) throw new Error(`vault ${method} ${path}: HTTP ${res.status}`)
      await sleep(200 * (attempt + 1)) // a new KV v2 mount answers 400 "upgrading" for a moment
    }
  }

  /** Accessors of live tokens issued by the AppRole mount `authPath` (lookup per accessor). */
  async tokensFrom(authPath) {
    const list = await this.call("LIST", "auth/token/accessors").catch(() => ({ data: { keys: [] } }))
    const keys = list.data?.keys ?? []
    let n = 0
    await pool(keys, 8, async (accessor) => {
      const info = await this.call("POST", "auth/token/lookup-accessor", { accessor }).catch(() => undefined)
      if (info?.data?.path?.startsWith(`auth/${authPath}/`)) n++
    })
    return { ours: n, all: keys.length }
  }
}

/**
 * Creates the remote secrets: even indexes on Secrets Manager, odd ones on Vault KV v2.
 * Returns { aws: [names], vault: [paths], approle: { roleId, secretId } }.
 */
export async function createRemotes(env, id, remotes, tokenTtlS, log) {
  const sm = smClient(env)
  const v = new VaultAdmin(env.VAULT_ADDR, env.VAULT_TOKEN)
  const mount = `sbbench-${id}`
  const authPath = `approle-sbbench-${id}`
  await v.call("POST", `sys/mounts/${mount}`, { type: "kv", options: { version: "2" } })
  await v.call("POST", `sys/auth/${authPath}`, { type: "approle" })
  await v.call("PUT", `sys/policies/acl/${mount}`, {
    policy: `path "${mount}/data/*" { capabilities = ["read"] }`,
  })
  await v.call("POST", `auth/${authPath}/role/bench`, {
    token_policies: mount,
    token_ttl: `${tokenTtlS}s`,
    token_max_ttl: `${tokenTtlS * 2}s`,
  })
  const roleId = (await v.call("GET", `auth/${authPath}/role/bench/role-id`)).data.role_id
  const secretId = (await v.call("POST", `auth/${authPath}/role/bench/secret-id`, {})).data.secret_id
  const aws = []
  const vault = []
  for (let i = 0; i < remotes; i++) (i % 2 === 0 ? aws : vault).push(`r${i}`)
  const value = (k) => ({ user: `user-${k}`, password: randomBytes(12).toString("hex") })
  const started = Date.now()
  await pool(aws, 8, async (k) => {
    await sm.send(new CreateSecretCommand({ Name: `${mount}/${k}`, SecretString: JSON.stringify(value(k)) }))
  })
  await pool(vault, 8, (k) => v.call("POST", `${mount}/data/${k}`, { data: value(k) }, { retries: 20 }))
  log(`remote secrets: ${aws.length} on moto, ${vault.length} on OpenBao (${Date.now() - started} ms)`)
  return {
    mount,
    authPath,
    approle: { roleId, secretId },
    aws: aws.map((k) => `${mount}/${k}`),
    vault,
    admin: v,
  }
}

/** Deletes what createRemotes made; the AppRole mount's removal revokes every token it issued. */
export async function deleteRemotes(env, id, remote, log) {
  const sm = smClient(env)
  const v = new VaultAdmin(env.VAULT_ADDR, env.VAULT_TOKEN)
  const mount = `sbbench-${id}`
  const names = remote?.aws ?? []
  let failed = 0
  await pool(names, 8, async (n) => {
    await sm
      .send(new DeleteSecretCommand({ SecretId: n, ForceDeleteWithoutRecovery: true }))
      .catch(() => failed++)
  })
  for (const [method, path] of [
    ["DELETE", `sys/mounts/${mount}`],
    ["DELETE", `sys/auth/approle-sbbench-${id}`],
    ["DELETE", `sys/policies/acl/${mount}`],
  ])
    await v.call(method, path).catch(() => failed++)
  log(`remote secrets deleted${failed > 0 ? ` (${failed} calls failed)` : ""}`)
}
