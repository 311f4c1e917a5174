import type { CommentItem, ListItem, MapItem, ScalarNode, TreeNode } from "./node.js"
import type { TreePath } from "./path.js"

/** A visitor returns the replacement (or the same object to keep it). */
export interface Mapper {
  leaf(node: ScalarNode, path: TreePath, comments: readonly (readonly string[])[]): ScalarNode
  /** Returns the replacement comment and the text that later items see in the comment stack. */
  comment(
    item: CommentItem,
    path: TreePath,
    comments: readonly (readonly string[])[],
  ): { item: CommentItem; text: string }
}

/** Rebuilds `node` with every leaf and comment mapped, depth first in stored order. */
export function mapTree(node: TreeNode, mapper: Mapper): TreeNode {
  return walkNode(node, [], [], mapper)
}

function walkNode(node: TreeNode, path: string[], stack: string[][], mapper: Mapper): TreeNode {
  if (node.kind === "scalar") return mapper.leaf(node, path, stack)
  const level: string[] = []
  const inner = [...stack, level]
  if (node.kind === "map") {
    const items: MapItem[] = node.items.map((item) => {
      if (item.kind === "comment") return visitComment(item, path, inner, level, mapper)
      path.push(item.key)
      const value = walkNode(item.value, path, inner, mapper)
      path.pop()
      level.length = 0
      return value === item.value ? item : { ...item, value }
    })
    return { kind: "map", items }
  }
  const items: ListItem[] = node.items.map((item) => {
    if (item.kind === "comment") return visitComment(item, path, inner, level, mapper)
    const value = walkNode(item, path, inner, mapper)
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
): CommentItem {
  // The comment itself is on the stack while it is visited (policy decides whether that counts).
  level.push(item.text)
  const out = mapper.comment(item, path, stack)
  level[level.length - 1] = out.text
  return out.item
}
