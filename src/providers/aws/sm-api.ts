import type { CallOptions } from "../../keys/backend.js"

/**
 * The narrow port to AWS Secrets Manager: only the calls the provider makes, so a fake can
 * stand in. Implementations map SDK errors to BridgeError (NOT_FOUND / ProviderError).
 */
export interface SmValue {
  readonly name: string
  readonly versionId?: string
  /** SecretString, when the secret is a string */
  readonly string?: string
  /** SecretBinary, when it is binary */
  readonly binary?: Uint8Array
}

export interface SmListed {
  readonly name: string
  readonly tags: Readonly<Record<string, string>>
}

/** VersionId or VersionStage, never both (ESO: `uuid/<id>` selects an id, anything else a stage). */
export type SmVersion = { readonly versionId: string } | { readonly stage: string }

export interface SmListFilter {
  readonly namePrefix?: string
  readonly tagKeys?: readonly string[]
}

export interface SecretsManagerApi {
  getSecretValue(id: string, version: SmVersion, opts?: CallOptions): Promise<SmValue>
  /** One page of ListSecrets (names and tags only). */
  listSecrets(
    filter: SmListFilter,
    next: string | undefined,
    opts?: CallOptions,
  ): Promise<{ readonly secrets: readonly SmListed[]; readonly next?: string }>
  /** BatchGetSecretValue by ids (≤ 20): values found; ids that failed are left out. */
  batchGetSecretValue(ids: readonly string[], opts?: CallOptions): Promise<readonly SmValue[]>
  /** sts:GetCallerIdentity with the store's credentials: needs no IAM permission. */
  whoAmI(opts?: CallOptions): Promise<string>
  close(): void
}
