import type { CallOptions } from "../../keys/backend.js"

/**
 * The narrow port to the Vault HTTP API: one request primitive, so a fake can stand in.
 * Implementations throw NOT_FOUND for 404 and ProviderError{status} for other failures
 * (403 = permission denied or a dead token; 429 = throttled).
 */
export interface VaultRequest {
  readonly method: "GET" | "LIST" | "POST"
  /** API path without the `/v1/` prefix, segments already URL-encoded */
  readonly path: string
  /** X-Vault-Token; none for login calls */
  readonly token?: string
  readonly body?: Readonly<Record<string, unknown>>
}

export interface VaultApi {
  request(req: VaultRequest, opts?: CallOptions): Promise<VaultResponse>
  close(): void
}

/** The parts of Vault's JSON answer the provider reads. */
export interface VaultResponse {
  readonly data?: unknown
  readonly auth?: {
    readonly client_token?: string
    readonly accessor?: string
    readonly lease_duration?: number
    readonly renewable?: boolean
  } | null
}

export const encodePath = (path: string): string =>
  path
    .split("/")
    .filter((s) => s !== "")
    .map(encodeURIComponent)
    .join("/")
