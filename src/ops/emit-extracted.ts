import type { EmitOptions, Format } from "../formats/format.js"
import type { TreeNode } from "../tree/node.js"

const utf8 = new TextEncoder()

/**
 * How sops prints an `--extract` result: a string (or bytes) raw with no newline; a map as a
 * whole document in the output format; any other value through the format's value emitter.
 */
export function emitExtracted(format: Format, node: TreeNode, options?: EmitOptions): Uint8Array {
  if (node.kind === "scalar") {
    const v = node.value
    if (v.kind === "string") return utf8.encode(v.value)
    if (v.kind === "bytes") return v.value
  }
  if (node.kind === "map") return format.emit([node], options)
  return format.emitValue(node, options)
}
