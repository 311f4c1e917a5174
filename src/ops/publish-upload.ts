import { BridgeError, ErrorCode } from "../errors.js"
import type { CallOptions } from "../keys/backend.js"
import { encodePath, type VaultApi } from "../providers/vault/vault-api.js"
import type { Prepared } from "./publish.js"
import type { JsonValue } from "./publish-json.js"

/** The two remote writes publish makes, as ports (a fake stands in for unit tests). */
export interface PublishSinks {
  putObject(bucket: string, key: string, body: Uint8Array, opts?: CallOptions): Promise<void>
  /** The `data` of a Vault read, or null when there is none (404, or the read failed). */
  vaultRead(address: string, path: string, opts?: CallOptions): Promise<unknown>
  vaultWrite(address: string, path: string, body: Record<string, unknown>, opts?: CallOptions): Promise<void>
  close(): void
}

export interface PublishEnv {
  readonly env: Readonly<Record<string, string | undefined>>
  /** VAULT_TOKEN or ~/.vault-token, resolved by the caller; null when neither. */
  readonly vaultToken: () => Promise<string | null>
  readonly debug: boolean
}

/**
 * Sends a prepared publish. Vault KV v2: when the stored version already holds the same data,
 * nothing is written (sops: "Secret in … is already up-to-date."), so no new version appears.
 * @returns a note for stderr, or null
 * @throws PUBLISH naming the destination when the write fails
 */
export async function uploadPrepared(
  p: Prepared,
  sinks: PublishSinks,
  call: CallOptions = {},
): Promise<string | null> {
  try {
    if (p.kind === "s3") {
      await sinks.putObject(p.bucket, p.key, p.body, call)
      return null
    }
    const current = await sinks.vaultRead(p.address, p.apiPath, call)
    const stored = p.kvVersion === 2 && isObject(current) ? current["data"] : undefined
    if (stored !== undefined && sameJson(stored, p.data))
      return `Secret in ${p.apiPath} is already up-to-date.`
    await sinks.vaultWrite(p.address, p.apiPath, p.kvVersion === 1 ? { ...p.data } : { data: p.data }, call)
    return null
  } catch (err) {
    if (err instanceof BridgeError && err.code === ErrorCode.Publish) throw err
    const where = p.kind === "s3" ? p.display : p.apiPath
    throw new BridgeError(ErrorCode.Publish, `could not publish to ${where}`, {
      cause: err,
      hint:
        p.kind === "s3"
          ? "check the bucket exists and the AWS credentials may write to it (--debug shows the cause)"
          : "check VAULT_ADDR/vault_address, the token and that the KV mount exists (--debug shows the cause)",
    })
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v)

/** Deep equality of two JSON values, object key order ignored. */
function sameJson(a: unknown, b: JsonValue): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical)
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k])]),
    )
  return v
}

/**
 * Real sinks: the AWS SDK's S3 client and node-vault load only when first used. The Vault address
 * is the rule's `vault_address`, else VAULT_ADDR, else Vault's default https://127.0.0.1:8200.
 */
export function publishSinks(deps: PublishEnv): PublishSinks {
  let s3:
    | Promise<{
        put: (b: string, k: string, body: Uint8Array, s?: AbortSignal) => Promise<void>
        close(): void
      }>
    | undefined
  const vaults = new Map<string, Promise<VaultApi>>()
  const vaultFor = (address: string): Promise<VaultApi> => {
    const server = address !== "" ? address : (deps.env["VAULT_ADDR"] ?? "https://127.0.0.1:8200")
    let v = vaults.get(server)
    if (v === undefined) {
      v = import("../clients/vault.js").then((m) =>
        m.createVaultApi({
          server,
          ...(deps.env["VAULT_NAMESPACE"] === undefined ? {} : { namespace: deps.env["VAULT_NAMESPACE"] }),
        }),
      )
      vaults.set(server, v)
    }
    return v
  }
  const token = async (): Promise<string> => {
    const t = await deps.vaultToken()
    if (t === null)
      throw new BridgeError(ErrorCode.Publish, "no Vault token: set VAULT_TOKEN or write ~/.vault-token")
    return t
  }
  return {
    async putObject(bucket, key, body, opts) {
      s3 ??= import("../clients/s3.js").then((m) => m.createS3Put(deps.env, deps.debug))
      await (await s3).put(bucket, key, body, opts?.signal)
    },
    async vaultRead(address, path, opts) {
      const api = await vaultFor(address)
      try {
        return (
          (await api.request({ method: "GET", path: encodePath(path), token: await token() }, opts)).data ??
          null
        )
      } catch {
        // sops only warns here and writes anyway.
        return null
      }
    },
    async vaultWrite(address, path, body, opts) {
      const api = await vaultFor(address)
      await api.request({ method: "POST", path: encodePath(path), token: await token(), body }, opts)
    },
    close() {
      void s3?.then((c) => c.close()).catch(() => undefined)
      for (const v of vaults.values()) void v.then((a) => a.close()).catch(() => undefined)
    },
  }
}
