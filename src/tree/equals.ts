import type { ListItem, MapItem, Scalar, TreeNode } from "./node.js"

/** Structural equality of two trees, comments included. */
export function treeEquals(a: TreeNode, b: TreeNode): boolean {
  if (a.kind !== b.kind) return false
  if (a.kind === "scalar" && b.kind === "scalar") return scalarEquals(a.value, b.value)
  if (a.kind === "map" && b.kind === "map") return itemsEqual(a.items, b.items)
  if (a.kind === "list" && b.kind === "list") return itemsEqual(a.items, b.items)
  return false
}

function itemsEqual(a: readonly (MapItem | ListItem)[], b: readonly (MapItem | ListItem)[]): boolean {
  if (a.length !== b.length) return false
  return a.every((x, i) => {
    const y = b[i]
    if (y === undefined) return false
    if (x.kind === "comment" || y.kind === "comment") {
      return x.kind === "comment" && y.kind === "comment" && x.text === y.text
    }
    if (x.kind === "entry" || y.kind === "entry") {
      return x.kind === "entry" && y.kind === "entry" && x.key === y.key && treeEquals(x.value, y.value)
    }
    return treeEquals(x, y)
  })
}

export function scalarEquals(a: Scalar, b: Scalar): boolean {
  if (a.kind !== b.kind) return false
  if (a.kind === "null" || b.kind === "null") return true
  if (a.kind === "bytes" && b.kind === "bytes") return Buffer.from(a.value).equals(Buffer.from(b.value))
  if (a.kind === "float" && b.kind === "float") return Object.is(a.value, b.value) || a.value === b.value
  return (a as { value: unknown }).value === (b as { value: unknown }).value
}
