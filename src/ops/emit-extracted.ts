import type { EmitOptions, Format } from "../formats/format.js"
import { bool, entry, map, str, type CommentItem, type MapNode, type TreeNode } from "../tree/node.js"

const utf8 = new TextEncoder()

/**
 * How sops prints an `--extract` result: a string (or bytes) raw with no newline; a map as a
 * whole document in the output format; any other value through the format's value emitter.
 */
export function emitExtracted(
  format: Format,
  node: TreeNode | CommentItem,
  options?: EmitOptions,
): Uint8Array {
  if (node.kind === "comment") {
    const struct = commentStruct(format, node)
    // go-yaml marshals the struct as a document; the other formats' value emitters take it.
    return format.name === "yaml" ? format.emit([struct], options) : format.emitValue(struct, options)
  }
  if (node.kind === "scalar") {
    const v = node.value
    if (v.kind === "string") return utf8.encode(v.value)
    if (v.kind === "bytes") return v.value
  }
  if (node.kind === "map") return format.emit([node], options)
  return format.emitValue(node, options)
}

/**
 * A comment named by a list index: sops prints its Go struct, `sops.Comment{Value, Inline}`, as
 * the output format's encoder does (go-yaml lowercases the field names, encoding/json keeps them;
 * dotenv and binary refuse it as they refuse a map).
 */
function commentStruct(format: Format, c: CommentItem): MapNode {
  const [value, inline] = format.name === "json" ? ["Value", "Inline"] : ["value", "inline"]
  return map([entry(value, str(c.text)), entry(inline, bool(c.inline === true))])
}
