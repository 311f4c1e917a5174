import type { MapNode } from "../tree/node.js"

/** Master key types as named in sops metadata. */
export const BackendKind = {
  Age: "age",
  Pgp: "pgp",
  AwsKms: "kms",
  VaultTransit: "hc_vault",
  GcpKms: "gcp_kms",
  AzureKv: "azure_kv",
  HcKms: "hckms",
} as const
export type BackendKind = (typeof BackendKind)[keyof typeof BackendKind]

/**
 * One master-key entry of the metadata: the data key (or a Shamir share) wrapped by one key.
 * Stateless plain records; field names follow sops' metadata keys.
 */
export type WrappedKey =
  | { readonly kind: "age"; readonly recipient: string; readonly enc: string }
  | {
      readonly kind: "kms"
      readonly arn: string
      readonly role?: string
      readonly context?: Readonly<Record<string, string>>
      readonly createdAt: string
      readonly enc: string
      readonly awsProfile: string
    }
  | {
      readonly kind: "hc_vault"
      readonly vaultAddress: string
      readonly enginePath: string
      readonly keyName: string
      readonly createdAt: string
      readonly enc: string
    }
  | { readonly kind: "pgp"; readonly fp: string; readonly createdAt: string; readonly enc: string }
  /** Types sealbridge cannot open (gcp_kms, azure_kv, hckms): kept verbatim so a re-write keeps them. */
  | { readonly kind: "gcp_kms" | "azure_kv" | "hckms"; readonly raw: MapNode }

/** Per-call controls every remote key operation honours. */
export interface CallOptions {
  /** Aborts the call (the command was interrupted, or the caller's own deadline passed). */
  readonly signal?: AbortSignal
  /** Upper bound for one key's call, in ms; 0 or absent: none. */
  readonly timeoutMs?: number
}

/** Encrypt side: one master key that can wrap a data key. */
export interface KeyBackend {
  readonly kind: BackendKind
  /** Human-readable id: age recipient, KMS ARN, transit key URL, PGP fingerprint. */
  readonly keyId: string
  /** @throws BridgeError KEY_BACKEND when the key service refuses */
  wrap(dataKey: Uint8Array, opts?: CallOptions): Promise<WrappedKey>
}

/** Decrypt side: something holding identities/credentials for one key type. */
export interface KeyOpener {
  readonly kind: BackendKind
  /**
   * null: not addressed to this opener (wrong type, or no identity matches).
   * Throws KEY_BACKEND: addressed to it but could not open.
   */
  unwrap(wrapped: WrappedKey, opts?: CallOptions): Promise<Uint8Array | null>
}

/** A printable id for a wrapped key, used in error messages and `NoKeyError.attempts`. */
export function wrappedKeyId(w: WrappedKey): string {
  switch (w.kind) {
    case "age":
      return w.recipient
    case "kms":
      return w.arn
    case "hc_vault":
      return `${w.vaultAddress}/v1/${w.enginePath}/keys/${w.keyName}`
    case "pgp":
      return w.fp
    default:
      return w.kind
  }
}
