import type { CallOptions } from "../keys/backend.js"
import type { TokenIssuer } from "./vault/token-ledger.js"

/**
 * The narrow port between the controller and a secrets service (AWS Secrets Manager, Vault KV).
 * The unit of fetching is (store, identity, key, version): every ExternalSecret that names the
 * same one shares a single call, so adapters hold no per-object state.
 */

/** How a fetched value is decoded before it lands in a Secret (ESO's `decodingStrategy`). */
export const DecodingStrategy = {
  None: "None",
  Base64: "Base64",
  Base64Url: "Base64URL",
  Auto: "Auto",
} as const
export type DecodingStrategy = (typeof DecodingStrategy)[keyof typeof DecodingStrategy]

/** One remote secret: `key` is the provider's name/path; `version` a stage/id (AWS) or version number (Vault). */
export interface RemoteRef {
  readonly key: string
  readonly version?: string
  /** gjson-style path into a JSON value (`name.first`, `friends.1.first`); applied by the caller. */
  readonly property?: string
}

/** `dataFrom.find`: names under `path`, matching `name` (RE2 syntax) and carrying all `tags`. */
export interface FindQuery {
  readonly path?: string
  readonly name?: string
  readonly tags?: Readonly<Record<string, string>>
}

export interface SecretProvider {
  /** e.g. "aws" or "vault" */
  readonly name: string
  /**
   * The raw bytes of one remote secret (a JSON document for Vault KV: the whole `data` map).
   * @throws BridgeError NOT_FOUND when it does not exist; PROVIDER (retryable when transient) otherwise
   */
  get(ref: RemoteRef, opts?: CallOptions): Promise<Uint8Array>
  /** `dataFrom.extract`: the secret's top-level JSON keys as separate values. @throws as `get` */
  getMap(ref: RemoteRef, opts?: CallOptions): Promise<ReadonlyMap<string, Uint8Array>>
  /** `dataFrom.find`: secret name → value for every matching secret. */
  find(query: FindQuery, opts?: CallOptions): Promise<ReadonlyMap<string, Uint8Array>>
  /** One real, cheap call that proves the store's credentials work (for the store's `Ready`). */
  validate(opts?: CallOptions): Promise<void>
  /** Releases long-lived state (e.g. revokes a Vault token). */
  close(): Promise<void>
}

/** Credentials the controller resolved from Kubernetes before building a provider. */
export type AwsAuth =
  | { readonly kind: "default" }
  | {
      readonly kind: "static"
      readonly accessKeyId: string
      readonly secretAccessKey: string
      readonly sessionToken?: string
    }
  | { readonly kind: "webIdentity"; readonly roleArn: string; readonly token: () => Promise<string> }

export interface AwsStoreConfig {
  readonly provider: "aws"
  readonly region: string
  readonly role?: string
  readonly prefix?: string
  readonly auth: AwsAuth
}

export type VaultAuth =
  | { readonly kind: "token"; readonly token: string }
  | {
      readonly kind: "kubernetes"
      readonly mountPath: string
      readonly role: string
      readonly jwt: () => Promise<string>
    }
  | { readonly kind: "appRole"; readonly path: string; readonly roleId: string; readonly secretId: string }

export interface VaultStoreConfig {
  readonly provider: "vault"
  readonly server: string
  /** KV mount, e.g. "secret" */
  readonly path: string
  readonly version: "v1" | "v2"
  readonly namespace?: string
  readonly caBundle?: string
  readonly auth: VaultAuth
}

export type StoreConfig = AwsStoreConfig | VaultStoreConfig

/** Ambient inputs a provider may use; `src/` reads no globals. */
export interface ProviderDeps {
  readonly now: () => Date
  /** Standard AWS endpoint variables (AWS_ENDPOINT_URL_*), passed through by the entry point. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Counts the Vault tokens logged in for (VaultTokenLedger.scope(store)); absent: not counted. */
  readonly vaultTokens?: TokenIssuer
}

export type ProviderFactory = (config: StoreConfig, deps: ProviderDeps) => Promise<SecretProvider>
