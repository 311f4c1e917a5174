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

// What go-yaml's reader lets through (yaml_parser_update_buffer): tab, line breaks, printable
// ASCII, NEL and the printable Unicode ranges. Anything else is refused before parsing, as sops
// refuses it ("control characters are not allowed", exit 2); the yaml package would read it.
const NOT_YAML_CHAR = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u

/** Refuses a control character by position only: the text around it may be a secret. */
function refuseControlCharacters(text: string, source: string): void {
  const at = NOT_YAML_CHAR.exec(text)?.index
  if (at === undefined) return
  const before = text.slice(0, at)
  const line = before.split("\n").length
  const column = at - before.lastIndexOf("\n")
  throw new FormatError(source, line, "control characters are not allowed in yaml", { column })
}

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
  refuseControlCharacters(text, source)
  const fast = readYamlLines(text) ?? readYamlCst(text)
  if (fast !== null) return fast
  try {
    return readYaml(text, source)
  } catch (err) {
    // Only a text the yaml package refuses is read again with such `}` moved: a valid one is
    // never changed (in a literal block, say).
    const moved = closeFlowMapsAtKey(text)
    if (moved === text) throw err
    try {
      return readYamlCst(moved) ?? readYaml(moved, source)
    } catch {
      throw err // the error as the text stands
    }
  }
}

/**
 * An empty flow map holding only comments, as go-yaml writes one (sops' `unset` of a map's last
 * key): `  a: {` and comment lines, then `}` at column 0. go-yaml reads it; the yaml package
 * wants the `}` at least as indented as the map `a` is in. That `}` is moved there (same lines).
 */
function closeFlowMapsAtKey(text: string): string {
  if (!text.includes("\n}")) return text
  // Line by line, not one regex: a regex with the indentation and the key both free to take
  // spaces backtracks quadratically on a long line of spaces (2 s at 32,000).
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const indent = openerIndent(lines[i] ?? "")
    if (indent === 0) continue
    let j = i + 1
    while (/^ *#/.test(lines[j] ?? "")) j++
    const close = lines[j]
    if (j === i + 1 || close === undefined || !/^\} *$/.test(close)) continue
    lines[j] = " ".repeat(indent) + close
    i = j
  }
  return lines.join("\n")
}

/** The indentation of a line `  key: {` (at least one space, no `#`, `{` or `}` before), else 0. */
function openerIndent(line: string): number {
  let indent = 0
  while (line[indent] === " ") indent++
  if (indent === 0 || !line.endsWith(": {")) return 0
  return /[#{}]/.test(line.slice(indent, -3)) ? 0 : indent
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
