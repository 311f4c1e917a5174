import type { TreeNode } from "../tree/node.js"

/** A scalar read as text, the way flat formats and old YAML may have typed it. */
export function text(node: TreeNode | undefined): string | undefined {
  if (node === undefined || node.kind !== "scalar") return undefined
  const v = node.value
  switch (v.kind) {
    case "string":
    case "time":
      return v.value
    case "int":
      return v.value.toString()
    case "float":
      return String(v.value)
    case "bool":
      return v.value ? "true" : "false"
    case "null":
      return undefined
    case "bytes":
      return new TextDecoder().decode(v.value)
  }
}
