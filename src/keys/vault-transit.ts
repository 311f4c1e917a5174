import { BridgeError, KeyError, KeyFailure } from "../errors.js"
import { formatLastModified } from "../util/rfc3339.js"
import { safeMessage } from "../util/redact.js"
import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "./backend.js"
import { isNetworkError } from "./classify.js"
import type { TransitApi, TransitTarget } from "./vault-api.js"
import type { VaultKeyRef } from "./vault-uri.js"

export interface TransitDeps {
  readonly api: () => Promise<TransitApi>
  readonly now: () => Date
  /** VAULT_TOKEN, else the token file ~/.vault-token (as sops); null when neither. */
  readonly token: () => Promise<string | null>
  readonly namespace: string | undefined
}

async function target(ref: VaultKeyRef, deps: TransitDeps): Promise<TransitTarget> {
  const token = await deps.token()
  if (token === null)
    throw new KeyError(KeyFailure.NoCredentials, "no Vault token: set VAULT_TOKEN or write ~/.vault-token")
  return {
    ...ref,
    token,
    ...(deps.namespace === undefined || deps.namespace === "" ? {} : { namespace: deps.namespace }),
  }
}

/** Encrypt side: transit `encrypt/<key>` with the base64 data key; `enc` is `vault:v1:…`. */
export class TransitBackend implements KeyBackend {
  readonly kind = "hc_vault" as const
  readonly keyId: string
  readonly #ref: VaultKeyRef
  readonly #deps: TransitDeps

  constructor(ref: VaultKeyRef, deps: TransitDeps) {
    this.#ref = ref
    this.#deps = deps
    this.keyId = `${ref.vaultAddress}/v1/${ref.enginePath}/keys/${ref.keyName}`
  }

  async wrap(dataKey: Uint8Array, opts: CallOptions = {}): Promise<WrappedKey> {
    try {
      const t = await target(this.#ref, this.#deps)
      const api = await this.#deps.api()
      const enc = await api.encrypt(t, Buffer.from(dataKey).toString("base64"), opts.timeoutMs)
      return { kind: "hc_vault", ...this.#ref, createdAt: formatLastModified(this.#deps.now()), enc }
    } catch (err) {
      throw transitError(err, "encrypt")
    }
  }
}

/** Decrypt side: transit `decrypt/<key>` at the address stored with the key. */
export class TransitOpener implements KeyOpener {
  readonly kind = "hc_vault" as const
  readonly #deps: TransitDeps

  constructor(deps: TransitDeps) {
    this.#deps = deps
  }

  async unwrap(wrapped: WrappedKey, opts: CallOptions = {}): Promise<Uint8Array | null> {
    if (wrapped.kind !== "hc_vault") return null
    try {
      const t = await target(wrapped, this.#deps)
      const api = await this.#deps.api()
      return new Uint8Array(Buffer.from(await api.decrypt(t, wrapped.enc, opts.timeoutMs), "base64"))
    } catch (err) {
      throw transitError(err, "decrypt")
    }
  }
}

/** node-vault error → KeyError with its class; Vault's own error text carries no values. */
export function transitError(err: unknown, op: "encrypt" | "decrypt"): BridgeError {
  if (err instanceof BridgeError) return err
  const e = (typeof err === "object" && err !== null ? err : {}) as {
    message?: string
    response?: { statusCode?: number }
    code?: string
  }
  const status = e.response?.statusCode
  const text = safeMessage(err)
  let failure: KeyFailure = KeyFailure.Other
  if (isNetworkError(err) || e.code === "ECONNABORTED") failure = KeyFailure.Unreachable
  else if (status === 403 || /permission denied/i.test(text)) failure = KeyFailure.Denied
  else if (status === 404 || /not found/i.test(text)) failure = KeyFailure.NotFound
  else if (status !== undefined && status >= 500) failure = KeyFailure.Unreachable
  return new KeyError(failure, `failed to ${op} the data key with Vault transit: ${text}`, { cause: err })
}
