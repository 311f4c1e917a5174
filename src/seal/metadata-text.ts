import { scalarText } from "../formats/scalar-text.js"
import type { TreeNode } from "../tree/node.js"

/** A metadata scalar read as text, however a format typed it (flat formats give strings, old YAML times). */
export function text(node: TreeNode | undefined): string | undefined {
  if (node === undefined || node.kind !== "scalar" || node.value.kind === "null") return undefined
  return scalarText(node.value)
}
