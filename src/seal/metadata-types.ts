import type { WrappedKey } from "../keys/backend.js"

/** The six mutually exclusive rules that choose which leaves are sealed (spec §4). */
export const RuleKind = {
  UnencryptedSuffix: "unencrypted_suffix",
  EncryptedSuffix: "encrypted_suffix",
  UnencryptedRegex: "unencrypted_regex",
  EncryptedRegex: "encrypted_regex",
  UnencryptedCommentRegex: "unencrypted_comment_regex",
  EncryptedCommentRegex: "encrypted_comment_regex",
} as const
export type RuleKind = (typeof RuleKind)[keyof typeof RuleKind]

export interface SelectionRule {
  readonly kind: RuleKind
  readonly value: string
}

export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted"
/** The sops version we write; must be valid semver ≥ 3.3.0 (sops parses it on decrypt). */
export const SOPS_VERSION = "3.13.2"

/** The `sops` metadata block, parsed. */
export interface SealMetadata {
  /** One inner list per key group; a single group is written flat (no `key_groups`). */
  readonly keyGroups: readonly (readonly WrappedKey[])[]
  /** 0 when absent. */
  readonly shamirThreshold: number
  /** RFC 3339 text as stored; the MAC's AAD is its re-formatted form. */
  readonly lastModified: string
  /** The sealed MAC (`ENC[...]`), or "" when missing. */
  readonly mac: string
  /** null: none stored (readers assume `unencrypted_suffix: _unencrypted`; binary files store none). */
  readonly rule: SelectionRule | null
  readonly macOnlyEncrypted: boolean
  readonly version: string
}
