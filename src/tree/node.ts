/**
 * The format-neutral tree every format parses into and every sealing step walks, modelled on
 * sops' `TreeBranch`: ordered maps whose items are entries or comments, lists whose items are
 * nodes or comments, and typed scalar leaves. Sealed values are ordinary `string` leaves
 * (`ENC[...]`) and sealed comments are comments whose text is `ENC[...]`.
 */

/** A typed leaf. Ints are bigint so 64-bit values survive exactly. */
export type Scalar =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  /** A YAML timestamp; `value` is its canonical RFC 3339 text (Go `time.MarshalText`). */
  | { readonly kind: "time"; readonly value: string }
  | { readonly kind: "null" }
  /** Raw bytes that are not valid UTF-8 (binary files); sealed with type `str` as sops does. */
  | { readonly kind: "bytes"; readonly value: Uint8Array }

export type ScalarKind = Scalar["kind"]

export interface ScalarNode {
  readonly kind: "scalar"
  readonly value: Scalar
}

/** A comment item. `text` excludes the comment marker as sops defines per format (spec §6). */
export interface CommentItem {
  readonly kind: "comment"
  readonly text: string
  /** YAML only: the comment stood on the same line as the preceding item. */
  readonly inline?: boolean
}

export interface MapEntry {
  readonly kind: "entry"
  readonly key: string
  readonly value: TreeNode
}

export type MapItem = MapEntry | CommentItem
export type ListItem = TreeNode | CommentItem

export interface MapNode {
  readonly kind: "map"
  readonly items: readonly MapItem[]
}

export interface ListNode {
  readonly kind: "list"
  readonly items: readonly ListItem[]
}

export type TreeNode = ScalarNode | MapNode | ListNode

/** One document of a file (YAML may hold several; other formats hold one). */
export type Branch = MapNode

export const str = (value: string): ScalarNode => ({ kind: "scalar", value: { kind: "string", value } })
export const int = (value: bigint): ScalarNode => ({ kind: "scalar", value: { kind: "int", value } })
export const float = (value: number): ScalarNode => ({ kind: "scalar", value: { kind: "float", value } })
export const bool = (value: boolean): ScalarNode => ({ kind: "scalar", value: { kind: "bool", value } })
export const time = (value: string): ScalarNode => ({ kind: "scalar", value: { kind: "time", value } })
export const nul = (): ScalarNode => ({ kind: "scalar", value: { kind: "null" } })
export const bytes = (value: Uint8Array): ScalarNode => ({ kind: "scalar", value: { kind: "bytes", value } })
export const entry = (key: string, value: TreeNode): MapEntry => ({ kind: "entry", key, value })
export const comment = (text: string, inline?: boolean): CommentItem =>
  inline === true ? { kind: "comment", text, inline } : { kind: "comment", text }
export const map = (items: readonly MapItem[]): MapNode => ({ kind: "map", items })
export const list = (items: readonly ListItem[]): ListNode => ({ kind: "list", items })

export function isComment(item: MapItem | ListItem): item is CommentItem {
  return item.kind === "comment"
}
