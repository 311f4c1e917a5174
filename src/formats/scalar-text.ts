import type { Scalar } from "../tree/node.js"
import { formatGoFloat } from "../util/go-text.js"

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
