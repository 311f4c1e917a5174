/** API group, labels, annotations and status reasons: the controller's public contract. */
export const GROUP = "sealbridge.dev"
export const VERSION = "v1alpha1"
export const API_VERSION = `${GROUP}/${VERSION}`
export const FIELD_MANAGER = "sealbridge"

/** On every Secret the controller writes; the Secret watch selects on it. */
export const MANAGED_LABEL = "sealbridge.dev/managed"
/** HMAC over the owned keys' values (keyed, so an editor cannot forge a matching hash). */
export const DATA_HASH_ANNOTATION = "sealbridge.dev/data-hash"
/** Comma-separated names of the keys the hash covers (names are not secret). */
export const DATA_KEYS_ANNOTATION = "sealbridge.dev/data-keys"
/** Changing its value forces a provider read now, whatever the refresh policy. */
export const FORCE_SYNC_ANNOTATION = "sealbridge.dev/force-sync"
/** Pod-template annotation set on rollout restart targets when a synced Secret's data changes. */
export const RESTARTED_AT_ANNOTATION = "sealbridge.dev/restartedAt"

export const Kind = {
  ExternalSecret: "ExternalSecret",
  SecretStore: "SecretStore",
  ClusterSecretStore: "ClusterSecretStore",
  SopsSecret: "SopsSecret",
} as const
export type Kind = (typeof Kind)[keyof typeof Kind]

export const Plural = {
  ExternalSecret: "externalsecrets",
  SecretStore: "secretstores",
  ClusterSecretStore: "clustersecretstores",
  SopsSecret: "sopssecrets",
} as const satisfies Record<Kind, string>

/** Reasons of the `Ready` condition. Every one is listed in the README. */
export const Reason = {
  /** ExternalSecret/SopsSecret: the Secret matches the source. */
  SecretSynced: "SecretSynced",
  /** A provider or Kubernetes call failed; the last good Secret is kept. Retried with backoff. */
  SecretSyncedError: "SecretSyncedError",
  /** A referenced remote secret does not exist (deletionPolicy Retain). */
  SecretNotFound: "SecretNotFound",
  /** The provider refused access to a remote secret (credentials or policy). */
  AccessDenied: "AccessDenied",
  /** deletionPolicy Delete: every remote secret is gone, so the Secret was deleted. */
  SecretDeleted: "SecretDeleted",
  /** The spec cannot be used as written; fixed only by editing it. */
  InvalidSpec: "InvalidSpec",
  /** The store does not exist, is not Ready, or may not be used from this namespace. */
  StoreNotFound: "StoreNotFound",
  StoreNotReady: "StoreNotReady",
  StoreNotAllowed: "StoreNotAllowed",
  /** creationPolicy Merge but the target Secret does not exist. */
  TargetMissing: "TargetMissing",
  /** The target Secret is controlled by another object. */
  TargetOwnedByOther: "TargetOwnedByOther",
  /** target.immutable and the data would change. */
  ImmutableTarget: "ImmutableTarget",
  /** A template failed to render (names the template key and, for unsupported functions, the function). */
  TemplateError: "TemplateError",
  /** SopsSecret: no controller key could open the data key. */
  DecryptKeyMissing: "DecryptKeyMissing",
  /** SopsSecret: the MAC or a value does not verify (tampered or truncated). */
  DecryptFailed: "DecryptFailed",
  /** Stores: a real validation call succeeded / failed. */
  StoreValidated: "StoreValidated",
  ValidationFailed: "ValidationFailed",
  InvalidProviderConfig: "InvalidProviderConfig",
} as const
export type Reason = (typeof Reason)[keyof typeof Reason]
