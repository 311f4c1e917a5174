import type { SelectionRule } from "../seal/metadata-types.js"
import type { KeySpec } from "./key-spec.js"

/** What a matching `creation_rules` entry (or the CLI flags) decide for a new file. */
export interface CreationRule {
  /** One inner list per key group; a single group when the rule had no `key_groups`. */
  readonly keyGroups: readonly (readonly KeySpec[])[]
  readonly shamirThreshold: number
  readonly rule: SelectionRule | null
  readonly macOnlyEncrypted: boolean
}

export interface StoreSettings {
  readonly yamlIndent?: number
  readonly jsonIndent?: number
  readonly jsonBinaryIndent?: number
}
