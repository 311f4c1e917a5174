import vault from "node-vault"
import { BridgeError, ErrorCode } from "../errors.js"
import type { CallOptions } from "../keys/backend.js"
import type { VaultStoreConfig } from "../providers/provider.js"
import { ProviderError } from "../providers/provider-error.js"
import type { VaultApi, VaultRequest, VaultResponse } from "../providers/vault/vault-api.js"
import { safeMessage } from "../util/redact.js"

const TIMEOUT_MS = 30_000

interface NodeVaultError {
  readonly message?: string
  readonly code?: string
  readonly response?: { readonly statusCode?: number }
}

/** What the client reads of a store's config: the server, namespace and CA bundle (a whole store config will do). */
export type VaultClientConfig = Pick<VaultStoreConfig, "server"> & Partial<VaultStoreConfig>

/**
 * The Vault port on node-vault (one HTTP client per store: server, namespace, CA bundle). The
 * token travels per request, so the session owns it; node-vault's own env defaults
 * (VAULT_TOKEN, VAULT_NAMESPACE) are cleared so nothing ambient leaks into a store.
 */
export function createVaultApi(config: VaultClientConfig): VaultApi {
  const client = vault({
    apiVersion: "v1",
    endpoint: config.server,
    ...(config.caBundle === undefined || config.caBundle === ""
      ? {}
      : { requestOptions: { ca: config.caBundle } }),
  })
  client.token = ""
  ;(client as { namespace?: string }).namespace = config.namespace ?? ""

  return {
    async request(req: VaultRequest, opts?: CallOptions): Promise<VaultResponse> {
      opts?.signal?.throwIfAborted()
      const call = client.request({
        path: `/${req.path}`,
        method: req.method,
        timeout: TIMEOUT_MS,
        headers: req.token === undefined ? {} : { "X-Vault-Token": req.token },
        ...(req.body === undefined ? {} : { json: req.body }),
      }) as Promise<VaultResponse | undefined>
      try {
        return (await withSignal(call, opts?.signal)) ?? {}
      } catch (err) {
        throw mapVaultError(err, req)
      }
    },
    close() {
      // node-vault keeps no sockets of its own beyond the shared agent.
    },
  }
}

function withSignal<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"))
    signal.addEventListener("abort", onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort))
  })
}

/** 404 → NOT_FOUND; 403 → denied (session re-logs in once); 429/5xx/network → retryable. */
export function mapVaultError(err: unknown, req: Pick<VaultRequest, "method" | "path">): BridgeError {
  if (err instanceof BridgeError) return err
  const e = (typeof err === "object" && err !== null ? err : {}) as NodeVaultError
  const status = e.response?.statusCode
  const what = `vault ${req.method} ${req.path.replace(/\?.*$/, "")}`
  if (status === 404) return new BridgeError(ErrorCode.NotFound, `${what}: not found`, { cause: err })
  if (status === 403)
    return new ProviderError(`${what}: permission denied`, {
      cause: err,
      status,
      denied: true,
      hint: "check the Vault policy of the store's role and that the token is still valid",
    })
  if (status === 429)
    return new ProviderError(`${what}: rate limited by vault`, { cause: err, status, throttled: true })
  const retryable = status === undefined || status >= 500
  return new ProviderError(`${what}: ${safeMessage(err)}`, {
    cause: err,
    retryable,
    ...(status === undefined ? {} : { status }),
  })
}
