import { FormatError } from "../errors.js"
import { bytes, entry, map, str, type TreeNode } from "../tree/node.js"
import type { Format } from "./format.js"
import { jsonFormat } from "./json.js"

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
const utf8 = new TextEncoder()

/** The payload of a `data` leaf as raw bytes (Go strings are byte strings: no UTF-8 round trip). */
function payload(node: TreeNode | undefined, source: string): Uint8Array {
  if (node?.kind === "scalar") {
    if (node.value.kind === "string") return utf8.encode(node.value.value)
    if (node.value.kind === "bytes") return node.value.value
  }
  throw new FormatError(source, undefined, "binary output needs a single string value under the key data")
}

/** Any other file: the whole content sealed as one value under `data`; the sealed file is JSON. */
export const binaryFormat: Format = {
  name: "binary",
  flat: false,
  parse: (input) => {
    let value: TreeNode
    try {
      value = str(strictUtf8.decode(input))
    } catch {
      value = bytes(input)
    }
    return [map([entry("data", value)])]
  },
  emit: (branches) => {
    const data = branches[0]?.items.find((it) => it.kind === "entry" && it.key === "data")
    return payload(data?.kind === "entry" ? data.value : undefined, "binary")
  },
  emitValue: (node) => payload(node, "binary"),
  parseSealed: (input, source) => jsonFormat.parseSealed(input, source),
  emitSealed: (branches, metadata, options) => jsonFormat.emitSealed(branches, metadata, options),
  hasMetadata: () => false,
}
