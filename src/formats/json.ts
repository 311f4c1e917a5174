import { FormatError } from "../errors.js"
import { entry, map, type Branch, type MapNode, type TreeNode } from "../tree/node.js"
import { startsWithBom } from "./bom.js"
import type { EmitOptions, Format, SealedFile } from "./format.js"
import { emitJson } from "./json-emit.js"
import { parseJson } from "./json-parse.js"
import { splitTopLevel } from "./metadata-split.js"

const utf8 = new TextEncoder()
const decoder = new TextDecoder()

const indentOf = (o?: EmitOptions): string => (o?.indent === undefined ? "\t" : " ".repeat(o.indent))

/**
 * A JSON file's top-level object; as sops, anything after its closing brace is not read.
 * @throws FormatError for a leading byte-order mark, as sops' encoding/json refuses it
 */
export function parseJsonBranch(input: Uint8Array, source: string): Branch {
  if (startsWithBom(input))
    throw new FormatError(source, 1, "invalid json: a UTF-8 byte-order mark before the top-level object", {
      column: 1,
      hint: "save the file as UTF-8 without a byte-order mark (sops refuses it too)",
    })
  const root = parseJson(decoder.decode(input), source, { rest: "ignore" })
  if (root.kind !== "map") throw new FormatError(source, 1, "the top level of a json file must be an object")
  return root
}

/** JSON as sops' JSON store reads and writes it; metadata is a nested object under "sops". */
export const jsonFormat: Format = {
  name: "json",
  flat: false,
  parse: (input, source) => [parseJsonBranch(input, source)],
  emit: (branches, options) => utf8.encode(emitJson(branches[0] ?? map([]), indentOf(options)) + "\n"),
  emitValue: (node: TreeNode, options) => utf8.encode(emitJson(node, indentOf(options))),
  parseSealed: (input, source): SealedFile => splitTopLevel([parseJsonBranch(input, source)], source),
  emitSealed: (branches, metadata: MapNode, options) =>
    utf8.encode(
      emitJson(map([...(branches[0]?.items ?? []), entry("sops", metadata)]), indentOf(options)) + "\n",
    ),
  hasMetadata: (branches) =>
    (branches[0]?.items ?? []).some((it) => it.kind === "entry" && it.key === "sops"),
}
