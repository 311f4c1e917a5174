import type { Branch, MapNode, TreeNode } from "../tree/node.js"

export const FormatName = {
  Yaml: "yaml",
  Json: "json",
  Dotenv: "dotenv",
  Ini: "ini",
  Binary: "binary",
} as const
export type FormatName = (typeof FormatName)[keyof typeof FormatName]

/** A sealed file split into its data branches and its `sops` metadata tree. */
export interface SealedFile {
  readonly branches: Branch[]
  /** The metadata as a generic map tree (flat formats already unflattened); null when absent. */
  readonly metadata: MapNode | null
}

/**
 * A file format, modelled on sops' stores: plain bytes ⇄ branches, and sealed bytes ⇄
 * branches + metadata (where the metadata lives is the format's business: a `sops` key in
 * YAML/JSON, `sops_`-prefixed keys in dotenv, a `[sops]` section in INI, a JSON envelope for
 * binary).
 */
export interface Format {
  readonly name: FormatName
  /** dotenv/ini: string leaves, at most one level of sections. */
  readonly flat: boolean
  /** Reads a plain file. @throws FormatError (code FORMAT) naming `source` and the line where known */
  parse(input: Uint8Array, source: string): Branch[]
  /** Writes a plain file. @throws FormatError when the tree cannot be written in this format */
  emit(branches: readonly Branch[], options?: EmitOptions): Uint8Array
  /**
   * Writes one non-map value on its own, as sops prints an `--extract` result (YAML: a list at
   * indent 0 or a scalar line; JSON: indented value, no final newline).
   */
  emitValue(node: TreeNode, options?: EmitOptions): Uint8Array
  /** Reads a sealed file. @throws FormatError */
  parseSealed(input: Uint8Array, source: string): SealedFile
  /** Writes a sealed file; `metadata` is in sops' sorted key order already. */
  emitSealed(branches: readonly Branch[], metadata: MapNode, options?: EmitOptions): Uint8Array
  /** True when plain input already holds sops metadata (sops: "file already encrypted", exit 203). */
  hasMetadata(branches: readonly Branch[]): boolean
}

export interface EmitOptions {
  /** Indent width: YAML default 4; JSON default a tab (sops `stores.json.indent`). */
  readonly indent?: number
}
