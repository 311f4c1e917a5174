import type { Branch, TreeNode } from "../tree/node.js"

export const FormatName = {
  Yaml: "yaml",
  Json: "json",
  Dotenv: "dotenv",
  Ini: "ini",
  Binary: "binary",
} as const
export type FormatName = (typeof FormatName)[keyof typeof FormatName]

/**
 * A file format: bytes ⇄ branches, plus where that format keeps the sops metadata.
 * `parse` reads plain and sealed files alike (sealed values are just `ENC[...]` strings);
 * `splitMetadata` then takes the metadata out as a generic tree (flat formats unflatten it)
 * and `joinMetadata` puts it back the way sops writes it for that format.
 */
export interface Format {
  readonly name: FormatName
  /** dotenv/ini: string leaves, at most one level of sections. */
  readonly flat: boolean
  /** @throws FormatError (code FORMAT) naming `source` and the line where known */
  parse(input: Uint8Array, source: string): Branch[]
  /** @throws FormatError when the tree cannot be written in this format (e.g. nested dotenv) */
  emit(branches: readonly Branch[], options?: EmitOptions): Uint8Array
  /** Removes the metadata from the branches; `metadata` is null when the file carries none. */
  splitMetadata(
    branches: readonly Branch[],
    source: string,
  ): { branches: Branch[]; metadata: TreeNode | null }
  /** Adds the metadata (a map tree in sops' sorted key order) where this format keeps it. */
  joinMetadata(branches: readonly Branch[], metadata: TreeNode): Branch[]
  /** True when plain input already holds metadata (sops: "file already encrypted"). */
  hasMetadata(branches: readonly Branch[]): boolean
}

export interface EmitOptions {
  /** Indent width (YAML default 4, JSON default tab when undefined). */
  readonly indent?: number
}
