// The fastest YAML reader here: one pass over the lines, no tokenizer, no `yaml` package, for
// the strict block subset that sealed files and generated secrets are written in — maps and
// sequences in block style, one-line plain and quoted scalars, `|` literal blocks, `{}`/`[]`,
// and full-line comments where their owner is plain to see. Anything outside it (other
// comments, anchors, tags, flow collections, folded or indented-indicator blocks, escapes,
// multi-line plain scalars, documents, tabs, unusual indentation or characters) returns null and
// the caller uses the CST reader (yaml-cst-read.ts), which falls back to the document model in
// turn. On what it accepts it gives exactly the branches those readers give:
// test/core/formats/yaml-cst.property.test.ts runs all three on random documents.
import type { Branch, ListItem, MapItem, Scalar, TreeNode } from "../tree/node.js"
import { MAX_YAML_DEPTH } from "./yaml-depth.js"
import { resolvePlain } from "./yaml-scalar.js"

class Unsupported extends Error {}
const bail = (): never => {
  throw new Unsupported()
}

/** The branches yaml-cst-read.ts would return, or null when the input is outside this subset. */
export function readYamlLines(text: string): Branch[] | null {
  if (/[\t\r\ufeff]/.test(text)) return null
  try {
    return [new LineReader(text).document()]
  } catch (err) {
    if (err instanceof Unsupported) return null
    throw err
  }
}

// Plain-scalar characters: printable ASCII and the BMP's printable range (no C1 controls, NEL,
// line/paragraph separators, BOM or surrogates, which have special YAML or encoding rules).
const PLAIN_CHARS = /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/
const KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/

interface Line {
  /** Column of the first non-space character. */
  readonly indent: number
  /** The line without its indentation. */
  readonly body: string
}

class LineReader {
  readonly #lines: string[]
  #at = 0
  /** Open maps and sequences: deeper than the other readers allow is theirs to refuse. */
  #depth = 0

  constructor(text: string) {
    this.#lines = text.split("\n")
  }

  /** The next line that is not blank, without consuming it; null at the end. */
  #peek(): Line | null {
    while (this.#at < this.#lines.length) {
      const raw = this.#lines[this.#at] as string
      const body = raw.trimStart()
      if (body !== "") return { indent: raw.length - body.length, body }
      this.#at++
    }
    return null
  }

  document(): Branch {
    const items: MapItem[] = []
    // Leading comments at column 0 belong to the top-level map, before its first entry.
    for (let l = this.#peek(); l !== null && l.body.startsWith("#"); l = this.#peek()) {
      if (l.indent !== 0) bail()
      items.push(comment(l.body))
      this.#at++
    }
    const first = this.#peek()
    if (first === null || first.indent !== 0) return bail()
    // A loop, not push(...): a large file's top level has more entries than a call has arguments.
    for (const it of this.#map(0, null).items) items.push(it)
    if (this.#peek() !== null) bail()
    return { kind: "map", items }
  }

  /**
   * The entries of a block map at column `indent`. `firstBody` is the rest of a `- ` line whose
   * map starts on that line (already consumed), else null.
   */
  #map(indent: number, firstBody: string | null): { kind: "map"; items: MapItem[] } {
    if (++this.#depth > MAX_YAML_DEPTH) bail()
    const items: MapItem[] = []
    const seen = new Set<string>()
    let pending = firstBody
    let afterScalar = false
    for (;;) {
      let body: string
      if (pending !== null) {
        body = pending
        pending = null
      } else {
        const l = this.#peek()
        if (l === null || l.indent < indent) break
        if (l.indent > indent) bail()
        body = l.body
        this.#at++
        if (body.startsWith("#")) {
          // A comment at the map's own column right after a one-line value is that map's item.
          if (!afterScalar) bail()
          items.push(comment(body))
          continue
        }
      }
      const colon = body.indexOf(":")
      if (colon <= 0) return bail()
      const key = body.slice(0, colon)
      if (!KEY.test(key) || key.length > 1024 || seen.has(key)) bail()
      const resolvedKey = resolvePlain(key)
      if (resolvedKey === "overflow" || resolvedKey.kind !== "string") bail()
      seen.add(key)
      const rest = body.slice(colon + 1)
      if (rest === "") {
        items.push({ kind: "entry", key, value: this.#nested(indent) })
        afterScalar = false
        continue
      }
      if (!rest.startsWith(" ")) bail()
      const text = rest.trimStart()
      items.push({ kind: "entry", key, value: this.#inlineValue(text, indent) })
      afterScalar = !text.startsWith("|")
    }
    this.#depth--
    return { kind: "map", items }
  }

  /** The block under `key:` (a map or a sequence, more indented than the key). */
  #nested(parentIndent: number): TreeNode {
    const l = this.#peek()
    if (l === null || l.indent <= parentIndent || l.body.startsWith("#")) return bail()
    if (l.body === "-" || l.body.startsWith("- ")) return this.#seq(l.indent)
    return this.#map(l.indent, null)
  }

  #seq(indent: number): { kind: "list"; items: ListItem[] } {
    if (++this.#depth > MAX_YAML_DEPTH) bail()
    const items: ListItem[] = []
    for (let l = this.#peek(); l !== null && l.indent >= indent; l = this.#peek()) {
      if (l.indent > indent || !l.body.startsWith("- ")) bail()
      this.#at++
      const rest = l.body.slice(2)
      const pad = rest.length - rest.trimStart().length
      const value = rest.trimStart()
      if (value === "" || value.startsWith("#") || value.startsWith("- ")) bail()
      const column = indent + 2 + pad
      if (isMapLine(value)) items.push(this.#map(column, value))
      else items.push(this.#scalarNode(value, indent, false))
    }
    this.#depth--
    return { kind: "list", items }
  }

  /** The value after `key: `: a one-line scalar, `{}`/`[]`, or a `|` literal block. */
  #inlineValue(text: string, indent: number): TreeNode {
    if (text === "{}") return { kind: "map", items: [] }
    if (text === "[]") return { kind: "list", items: [] }
    if (text === "|" || text === "|-") return this.#literal(text === "|-", indent)
    return this.#scalarNode(text, indent, true)
  }

  #scalarNode(text: string, indent: number, inMap: boolean): TreeNode {
    if (text === "") bail()
    const value = scalarOf(text)
    // A plain scalar may continue on more-indented lines (folded): outside this subset.
    const next = this.#peek()
    if (next !== null && next.indent > indent && (inMap || !next.body.startsWith("#"))) bail()
    return { kind: "scalar", value }
  }

  /** A literal block scalar; its content is indented more than `parentIndent`. */
  #literal(strip: boolean, parentIndent: number): TreeNode {
    const content: string[] = []
    let contentIndent = -1
    let trailingBlank = 0
    while (this.#at < this.#lines.length) {
      const raw = this.#lines[this.#at] as string
      const body = raw.trimStart()
      if (body === "") {
        // Blank lines: inside the block only below content; extra spaces on them are content.
        if (contentIndent === -1 || raw.length > contentIndent) bail()
        trailingBlank++
        this.#at++
        continue
      }
      const ind = raw.length - body.length
      if (contentIndent === -1) {
        if (ind <= parentIndent) break
        contentIndent = ind
      } else if (ind < contentIndent) break
      for (; trailingBlank > 0; trailingBlank--) content.push("")
      content.push(raw.slice(contentIndent))
      this.#at++
    }
    if (content.length === 0) return bail()
    // A literal's last line must not end the file without its newline (the chomping differs).
    if (this.#at >= this.#lines.length && trailingBlank === 0) bail()
    const body = content.join("\n")
    return { kind: "scalar", value: { kind: "string", value: strip ? body : body + "\n" } }
  }
}

/** `key: …` or `key:` starting a `- ` item's map. */
function isMapLine(s: string): boolean {
  const colon = s.indexOf(":")
  return colon > 0 && KEY.test(s.slice(0, colon)) && (colon === s.length - 1 || s[colon + 1] === " ")
}

function comment(body: string): MapItem & ListItem {
  if (body.endsWith(" ")) bail()
  return { kind: "comment", text: body.substring(1) || " " }
}

/** A one-line scalar: plain, single-quoted or double-quoted without escapes. */
function scalarOf(text: string): Scalar {
  if (text.endsWith(" ") || !PLAIN_CHARS.test(text)) return bail()
  const q = text[0]
  if (q === '"') {
    const inner = text.slice(1, -1)
    if (text.length < 2 || !text.endsWith('"') || inner.includes('"') || inner.includes("\\")) bail()
    return { kind: "string", value: inner }
  }
  if (q === "'") {
    const inner = text.slice(1, -1)
    if (text.length < 2 || !text.endsWith("'") || inner.replaceAll("''", "").includes("'")) bail()
    return { kind: "string", value: inner.replaceAll("''", "'") }
  }
  if (INDICATOR_START.test(text) && !/^-[0-9.]/.test(text)) bail()
  if (text.includes(": ") || text.endsWith(":") || text.includes(" #")) bail()
  const v = resolvePlain(text)
  return v === "overflow" ? bail() : v
}
