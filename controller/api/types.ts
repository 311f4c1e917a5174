import type { DecodingStrategy } from "../../src/index.js"

/** Parsed, validated specs: nothing past `parse*Spec` sees `unknown`. Field names are ESO's. */

export const CreationPolicy = { Owner: "Owner", Orphan: "Orphan", Merge: "Merge", None: "None" } as const
export type CreationPolicy = (typeof CreationPolicy)[keyof typeof CreationPolicy]

export const DeletionPolicy = { Retain: "Retain", Delete: "Delete", Merge: "Merge" } as const
export type DeletionPolicy = (typeof DeletionPolicy)[keyof typeof DeletionPolicy]

export const RefreshPolicy = {
  Periodic: "Periodic",
  CreatedOnce: "CreatedOnce",
  OnChange: "OnChange",
} as const
export type RefreshPolicy = (typeof RefreshPolicy)[keyof typeof RefreshPolicy]

export type StoreKind = "SecretStore" | "ClusterSecretStore"

export interface StoreRef {
  readonly name: string
  readonly kind: StoreKind
}

export interface RemoteRefSpec {
  readonly key: string
  readonly property?: string
  readonly version?: string
  readonly decodingStrategy: DecodingStrategy
}

export interface DataEntry {
  readonly secretKey: string
  readonly remoteRef: RemoteRefSpec
}

export interface RewriteRule {
  readonly regexp: { readonly source: string; readonly target: string }
}

export interface FindSpec {
  readonly path?: string
  readonly name?: string
  readonly tags?: Readonly<Record<string, string>>
  readonly decodingStrategy: DecodingStrategy
}

export type DataFromEntry =
  | { readonly kind: "extract"; readonly extract: RemoteRefSpec; readonly rewrite: readonly RewriteRule[] }
  | { readonly kind: "find"; readonly find: FindSpec; readonly rewrite: readonly RewriteRule[] }

export interface TemplateSpec {
  readonly type?: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly data: Readonly<Record<string, string>>
  readonly mergePolicy: "Replace" | "Merge"
}

export interface TargetSpec {
  /** Defaults to the ExternalSecret's name. */
  readonly name: string
  readonly creationPolicy: CreationPolicy
  readonly deletionPolicy: DeletionPolicy
  readonly immutable: boolean
  readonly template?: TemplateSpec
}

/** A workload restarted (pod template annotation) when the Secret's data changes. */
export interface RolloutTarget {
  readonly kind: "Deployment" | "StatefulSet" | "DaemonSet"
  readonly name: string
}

export interface ExternalSecretSpec {
  readonly secretStoreRef: StoreRef
  /** Milliseconds; 0 = sync once. */
  readonly refreshIntervalMs: number
  readonly refreshPolicy: RefreshPolicy
  readonly target: TargetSpec
  readonly data: readonly DataEntry[]
  readonly dataFrom: readonly DataFromEntry[]
  /** Opt-in: workloads in the ExternalSecret's namespace to restart when the Secret's data changes. */
  readonly rolloutRestartTargets: readonly RolloutTarget[]
}

/** A key in a Secret; `namespace` only honoured for ClusterSecretStores. */
export interface SecretKeyRef {
  readonly name: string
  readonly key: string
  readonly namespace?: string
}

export interface ServiceAccountRef {
  readonly name: string
  readonly namespace?: string
  readonly audiences: readonly string[]
}

export type AwsAuthSpec =
  | { readonly kind: "default" }
  | {
      readonly kind: "secretRef"
      readonly accessKeyId: SecretKeyRef
      readonly secretAccessKey: SecretKeyRef
      readonly sessionToken?: SecretKeyRef
    }
  | { readonly kind: "jwt"; readonly serviceAccountRef: ServiceAccountRef }

export interface AwsProviderSpec {
  readonly provider: "aws"
  readonly service: "SecretsManager"
  readonly region: string
  readonly role?: string
  readonly prefix?: string
  readonly auth: AwsAuthSpec
}

export type VaultAuthSpec =
  | { readonly kind: "token"; readonly tokenSecretRef: SecretKeyRef }
  | {
      readonly kind: "kubernetes"
      readonly mountPath: string
      readonly role: string
      readonly serviceAccountRef?: ServiceAccountRef
      readonly secretRef?: SecretKeyRef
    }
  | {
      readonly kind: "appRole"
      readonly path: string
      readonly roleId?: string
      readonly roleRef?: SecretKeyRef
      readonly secretRef: SecretKeyRef
    }

export interface VaultProviderSpec {
  readonly provider: "vault"
  readonly server: string
  readonly path: string
  readonly version: "v1" | "v2"
  readonly namespace?: string
  /** PEM text (decoded from the base64 `caBundle` field). */
  readonly caBundle?: string
  readonly auth: VaultAuthSpec
}

export type ProviderSpec = AwsProviderSpec | VaultProviderSpec

export interface LabelSelectorRequirement {
  readonly key: string
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist"
  readonly values: readonly string[]
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>
  readonly matchExpressions: readonly LabelSelectorRequirement[]
}

/** ClusterSecretStore `conditions[]`: a namespace may use the store if any condition matches. */
export interface NamespaceCondition {
  readonly namespaces?: readonly string[]
  readonly namespaceRegexes?: readonly string[]
  readonly namespaceSelector?: LabelSelector
}

export interface StoreSpec {
  readonly provider: ProviderSpec
  readonly conditions: readonly NamespaceCondition[]
}

export interface SopsSecretSpec {
  /** The sealed file as text (YAML or JSON per `format`). */
  readonly sealed: string
  readonly format: "yaml" | "json"
  readonly target: {
    readonly name: string
    readonly type?: string
    readonly labels: Readonly<Record<string, string>>
    readonly annotations: Readonly<Record<string, string>>
  }
}
