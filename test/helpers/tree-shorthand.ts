import {
  comment,
  entry,
  int,
  list,
  map,
  type Branch,
  type ListItem,
  type MapItem,
  type TreeNode,
} from "../../src/tree/node.js"

// Short names for building the expected trees of the YAML reader tests, so that a case's tree
// fits on its line next to the text it is read from: doc(c(" top"), e("a", i(1))).

/** A map of these items. */
export const m = (...items: MapItem[]): TreeNode => map(items)
/** A list of these items. */
export const l = (...items: ListItem[]): TreeNode => list(items)
/** A map entry. */
export const e = entry
/** A comment on its own line. */
export const c = (text: string): MapItem & ListItem => comment(text)
/** A line comment (after a value on its line). */
export const inl = (text: string): MapItem & ListItem => comment(text, true)
/** An int. */
export const i = (n: number): TreeNode => int(BigInt(n))
/** What a reader gives for a document whose root is a map of these items. */
export const doc = (...items: MapItem[]): Branch[] => [map(items)]
