import type { CommentItem, ListItem, MapItem, ScalarNode, TreeNode } from "./node.js"
import type { TreePath } from "./path.js"

/** A visitor returns the replacement (or the same object to keep it). */
export interface Mapper {
  /**
   * `inList`: the leaf is a list item, which may be replaced by a comment (a comment sops sealed
   * in a list is stored as an item, and opens back into a comment).
   */
  leaf(
    node: ScalarNode,
    path: TreePath,
    comments: readonly (readonly string[])[],
    inList: boolean,
  ): ScalarNode | CommentItem
  /**
   * Returns the replacement and the text that later items see in the comment stack. Only in a
   * list (`inList`) may the replacement be a scalar: sops seals a comment there as an item.
   */
  comment(
    item: CommentItem,
    path: TreePath,
    comments: readonly (readonly string[])[],
    inList: boolean,
  ): { item: CommentItem | ScalarNode; text: string }
}

/** Rebuilds `node` with every leaf and comment mapped, depth first in stored order. */
export function mapTree(node: TreeNode, mapper: Mapper): TreeNode {
  const out = walkNode(node, [], [], mapper, false)
  if (out.kind === "comment") throw new Error("a comment in place of the root")
  return out
}

function walkNode(
  node: TreeNode,
  path: string[],
  stack: string[][],
  mapper: Mapper,
  inList: boolean,
): TreeNode | CommentItem {
  if (node.kind === "scalar") return mapper.leaf(node, path, stack, inList)
  const level: string[] = []
  const inner = [...stack, level]
  if (node.kind === "map") {
    const items: MapItem[] = node.items.map((item) => {
      if (item.kind === "comment") {
        const out = visitComment(item, path, inner, level, mapper, false)
        if (out.kind !== "comment") throw new Error("a map's comment replaced by a value")
        return out
      }
      path.push(item.key)
      const value = walkNode(item.value, path, inner, mapper, false)
      if (value.kind === "comment") throw new Error("a comment in place of a map value")
      path.pop()
      level.length = 0
      return value === item.value ? item : { ...item, value }
    })
    return { kind: "map", items }
  }
  const items: ListItem[] = node.items.map((item) => {
    if (item.kind === "comment") return visitComment(item, path, inner, level, mapper, true)
    const value = walkNode(item, path, inner, mapper, true)
    // An item that opened into a comment was an item when met: it ends the comment run, as in sops.
    level.length = 0
    return value
  })
  return { kind: "list", items }
}

function visitComment(
  item: CommentItem,
  path: string[],
  stack: string[][],
  level: string[],
  mapper: Mapper,
  inList: boolean,
): CommentItem | ScalarNode {
  // The comment itself is on the stack while it is visited (policy decides whether that counts).
  level.push(item.text)
  const out = mapper.comment(item, path, stack, inList)
  level[level.length - 1] = out.text
  return out.item
}
