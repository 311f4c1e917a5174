import { formatGoFloat } from "../util/go-text.js"
import type { Scalar, TreeNode } from "./node.js"

const lenient = new TextDecoder()

/** A scalar as flat formats write it (Go's %v-style text). */
export function scalarText(v: Scalar): string {
  switch (v.kind) {
    case "string":
    case "time":
      return v.value
    case "bytes":
      return lenient.decode(v.value)
    case "int":
      return v.value.toString()
    case "float":
      return formatGoFloat(v.value)
    case "bool":
      return v.value ? "true" : "false"
    case "null":
      return ""
  }
}

/**
 * A metadata scalar read as text, however a format typed it (flat formats give strings, old YAML
 * times). Lives in tree/ so formats/ (flattening) and seal/ (metadata) both use it without
 * importing each other.
 */
export function text(node: TreeNode | undefined): string | undefined {
  if (node === undefined || node.kind !== "scalar" || node.value.kind === "null") return undefined
  return scalarText(node.value)
}
