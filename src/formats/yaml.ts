import { entry, map, type MapNode } from "../tree/node.js"
import { FormatError } from "../errors.js"
import { startsWithBom } from "./bom.js"
import type { Format, SealedFile } from "./format.js"
import { splitTopLevel } from "./metadata-split.js"
import { readYamlCst } from "./yaml-cst-read.js"
import { readYamlLines } from "./yaml-line-read.js"
import { readYaml } from "./yaml-read.js"
import { writeYaml } from "./yaml-write.js"

const utf8 = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The cheapest reader that applies, all giving the same branches: the line reader (the block
 * subset sealed files are written in), else the CST reader (~4× cheaper than the document
 * model), else the document model, which also reports every error.
 */
function read(input: Uint8Array, source: string): MapNode[] {
  // TextDecoder drops a leading byte-order mark, as go-yaml does.
  const text = decoder.decode(input)
  // Only blank text after it: sops' decoder meets the end before any document (exit 2, "EOF").
  // A blank file without the mark never gets here (exit 92 before any reader runs).
  if (startsWithBom(input) && /^[ \t\r\n]*$/.test(text))
    throw new FormatError(source, 1, "no yaml document after the UTF-8 byte-order mark", { column: 1 })
  return readYamlLines(text) ?? readYamlCst(text) ?? readYaml(text, source)
}

const withMetadata = (branches: readonly MapNode[], metadata: MapNode): MapNode[] =>
  branches.map((b) => map([...b.items, entry("sops", metadata)]))

/** YAML as sops' go-yaml v3 store reads and writes it; the `sops` block ends every document. */
export const yamlFormat: Format = {
  name: "yaml",
  flat: false,
  parse: read,
  emit: (branches, options) => utf8.encode(writeYaml(branches, options?.indent ?? 4)),
  emitValue: (node, options) => {
    const text = writeYaml([map([entry("v", node)])], options?.indent ?? 4)
    // Re-use the block writer and strip the synthetic key: lists print at indent 0 as sops does.
    const body = text.replace(/^v:( |\n)/, "")
    return utf8.encode(node.kind === "list" ? dedent(body, options?.indent ?? 4) : body)
  },
  parseSealed: (input, source): SealedFile => splitTopLevel(read(input, source), source),
  emitSealed: (branches, metadata, options) =>
    utf8.encode(writeYaml(withMetadata(branches, metadata), options?.indent ?? 4)),
  hasMetadata: (branches) =>
    branches.some((b) => b.items.some((it) => it.kind === "entry" && it.key === "sops")),
}

function dedent(text: string, by: number): string {
  return text
    .split("\n")
    .map((l) => l.slice(Math.min(by, l.length - l.trimStart().length)))
    .join("\n")
}
