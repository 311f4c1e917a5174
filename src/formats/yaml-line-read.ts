// The fastest YAML reader here: one pass over the lines, no tokenizer, no `yaml` package, for
// the strict block subset that sealed files and generated secrets are written in — maps and
// sequences in block style, one-line plain and quoted scalars, `|` literal blocks, `{}`/`[]`,
// and full-line comments where their owner is plain to see. Anything outside it (other
// comments, anchors, tags, flow collections, folded or indented-indicator blocks, escapes,
// multi-line plain scalars, documents, tabs, unusual indentation or characters) returns null and
// the caller uses the CST reader (yaml-cst-read.ts), which falls back to the document model in
// turn. On what it accepts it gives exactly the branches those readers give:
// test/core/formats/yaml-cst.property.test.ts runs all three on random documents.
//
// The reader reports what it meets as events (YamlEvents): yaml-line-tree.ts builds the branch
// from them, yaml-stream.ts seals and writes a large file from them in one pass without a tree.
import type { Branch, ListItem, MapItem, Scalar, TreeNode } from "../tree/node.js"
import { KeySet } from "./key-set.js"
import { LineCursor } from "./line-cursor.js"
import { MAX_YAML_DEPTH } from "./yaml-depth.js"
import { DROP, gapCloses } from "./yaml-gap.js"
import { resolvePlain } from "./yaml-scalar.js"

/** What the line reader meets, in document order; the document is the outermost map. */
export interface YamlEvents {
  /** A block map (never empty) or the document starts; its items follow. */
  mapStart(): void
  mapEnd(): void
  /** A block sequence (never empty) starts; its items follow. */
  listStart(): void
  listEnd(): void
  /** `{}` */
  emptyMap(): void
  /** `[]` */
  emptyList(): void
  /** A map entry's key; its value follows. */
  key(key: string): void
  scalar(value: Scalar): void
  /** A full-line comment, as an item of the open map or sequence. */
  comment(text: string): void
}

export class Unsupported extends Error {}
const bail = (): never => {
  throw new Unsupported()
}

/** The branches yaml-cst-read.ts would return, or null when the input is outside this subset. */
export function readYamlLines(text: string): Branch[] | null {
  if (/[\t\r\ufeff]/.test(text)) return null
  const tree = new TreeEvents()
  try {
    readLineEvents(LineCursor.ofText(text), tree)
  } catch (err) {
    if (err instanceof Unsupported) return null
    throw err
  }
  return tree.root === null ? null : [tree.root]
}

/**
 * Reads one document of the block subset from `lines`, reporting it to `events`.
 * `checkDuplicates` false: the input was read once already (duplicate keys would have bailed).
 * @throws Unsupported when the input is outside this subset (events so far are to be dropped)
 */
export function readLineEvents(
  lines: LineCursor,
  events: YamlEvents,
  checkDuplicates = true,
  sopsAfter = false,
): void {
  new LineReader(lines, events, checkDuplicates, sopsAfter).document()
}

// Plain-scalar characters: printable ASCII and the BMP's printable range (no C1 controls, NEL,
// line/paragraph separators, BOM or surrogates, which have special YAML or encoding rules).
const PLAIN_CHARS = /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/
// C0 and C1 controls but tab and NEL, and the two non-characters go-yaml's reader refuses.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]/
const SEPARATOR = /[\u2028\u2029]/
const KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/

interface Line {
  /** Column of the first non-space character. */
  readonly indent: number
  /** The line without its indentation. */
  readonly body: string
}

class LineReader {
  readonly #lines: LineCursor
  readonly #ev: YamlEvents
  readonly #checkDuplicates: boolean
  /** Open maps and sequences: deeper than the other readers allow is theirs to refuse. */
  #depth = 0
  /** The open maps and sequences, outermost first: their column, and whether a map. */
  readonly #frames: { readonly indent: number; readonly map: boolean }[] = []
  /** Comments of a run below a nested value that go to an enclosing map (its index in #frames). */
  readonly #pending: { readonly frame: number; readonly text: string }[] = []

  /**
   * The lines are a sealed file's data part: its top-level `sops:` key follows on the line after
   * the last, and go-yaml places a final comment run before that key, not at the document's end.
   */
  readonly #sopsAfter: boolean

  constructor(lines: LineCursor, events: YamlEvents, checkDuplicates: boolean, sopsAfter: boolean) {
    this.#lines = lines
    this.#ev = events
    this.#checkDuplicates = checkDuplicates
    this.#sopsAfter = sopsAfter
  }

  /** The next line that is not blank, without consuming it; null at the end. */
  #peek(): Line | null {
    for (let raw = this.#lines.line(); raw !== undefined; raw = this.#lines.line()) {
      // A character go-yaml refuses, anywhere (comments too): the tree path reports where.
      if (CONTROL.test(raw)) bail()
      const body = unindent(raw)
      if (body !== "") return { indent: raw.length - body.length, body }
      this.#lines.next()
    }
    return null
  }

  document(): void {
    this.#ev.mapStart()
    // Leading comments at column 0 belong to the top-level map, before its first entry.
    for (let l = this.#peek(); l !== null && l.body.startsWith("#"); l = this.#peek()) {
      if (l.indent !== 0) bail()
      this.#ev.comment(commentText(l.body))
      this.#lines.next()
    }
    const first = this.#peek()
    if (first === null || first.indent !== 0) return bail()
    this.#map(0, null, false)
    if (this.#peek() !== null) bail()
    this.#ev.mapEnd()
  }

  /**
   * The entries of a block map at column `indent`. `firstBody` is the rest of a `- ` line whose
   * map starts on that line (already consumed), else null. `own` false: the entries are the
   * document's, whose start and end document() reports.
   */
  #map(indent: number, firstBody: string | null, own = true): void {
    if (++this.#depth > MAX_YAML_DEPTH) bail()
    if (own) this.#ev.mapStart()
    const frame = this.#frames.push({ indent, map: true }) - 1
    const seen = this.#checkDuplicates ? new KeySet() : null
    let pending = firstBody
    let afterScalar = false
    for (;;) {
      for (let p = this.#pending[0]; p?.frame === frame; p = this.#pending[0]) {
        this.#ev.comment(p.text)
        this.#pending.shift()
      }
      let body: string
      if (pending !== null) {
        body = pending
        pending = null
      } else {
        const l = this.#peek()
        if (l === null || l.indent < indent) break
        if (l.indent > indent) bail()
        body = l.body
        this.#lines.next()
        if (body.startsWith("#")) {
          // A comment at the map's own column right after a one-line value is that map's item.
          if (!afterScalar) bail()
          this.#ev.comment(commentText(body))
          continue
        }
      }
      const bodyLine = this.#lines.index - 1
      const colon = body.indexOf(":")
      if (colon <= 0) return bail()
      const key = body.slice(0, colon)
      // Longer than 128 bytes go-yaml writes it as a complex key (`? key`): yaml-write.ts's to write.
      if (!KEY.test(key) || key.length > 128 || seen?.has(key) === true) bail()
      const resolvedKey = resolvePlain(key)
      if (resolvedKey === "overflow" || resolvedKey.kind !== "string") bail()
      seen?.add(key)
      this.#ev.key(key)
      const rest = body.slice(colon + 1)
      if (rest === "") {
        this.#nested(indent)
        afterScalar = false
        continue
      }
      if (!rest.startsWith(" ")) bail()
      const text = unindent(rest)
      this.#inlineValue(text, indent)
      afterScalar = !text.startsWith("|")
      if (afterScalar) this.#commentsAfter(bodyLine, frame)
    }
    if (this.#pending.some((p) => p.frame >= frame)) throw new Error("yaml line reader: comments left behind")
    this.#frames.pop()
    this.#depth--
    if (own) this.#ev.mapEnd()
  }

  /**
   * The full-line comments after a one-line value (on line `valueLine`) of the map #frames[frame],
   * read up to the next key or the end. Before a key of the same map they are its items. Before a
   * less indented key (or the end) go-yaml spreads them over the maps that end there (see
   * yaml-gap.ts): those for an enclosing map wait in #pending until that map's loop takes them.
   */
  #commentsAfter(valueLine: number, frame: number): void {
    if (this.#peek()?.body.startsWith("#") !== true) return // the usual case: no comment
    const comments: { line: number; column: number; text: string }[] = []
    let finalBreak = false
    let next: { line: number; column: number } | null = null
    let last = -1
    for (let raw = this.#lines.line(); raw !== undefined; raw = this.#lines.line()) {
      // A character go-yaml refuses, anywhere (comments too): the tree path reports where.
      if (CONTROL.test(raw)) bail()
      const body = unindent(raw)
      if (body !== "" && !body.startsWith("#")) {
        next = { line: this.#lines.index, column: raw.length - body.length }
        break
      }
      // A line after the last comment (even the empty one after a final "\n"): its line ends.
      finalBreak = body === "" && comments.length > 0
      if (body !== "")
        comments.push({ line: this.#lines.index, column: raw.length - body.length, text: commentText(body) })
      last = this.#lines.index
      this.#lines.next()
    }
    // In a sealed file's data part the last line (empty: the part ends with a line break) is
    // where the `sops:` key starts.
    if (next === null && this.#sopsAfter && last !== -1) next = { line: last, column: 0 }
    if (comments.length === 0) return
    const indent = (this.#frames[frame] as { indent: number }).indent
    const closes = this.#closing(frame, next, comments, valueLine, finalBreak)
    if (closes === null) {
      // The map goes on, or the run is outside what yaml-gap.ts places: the comments are this
      // map's, at its own column only (anything else is the other readers' to place).
      if (comments.some((c) => c.column !== indent) || (next !== null && next.column > indent)) bail()
      for (const c of comments) this.#ev.comment(c.text)
      return
    }
    for (const [i, c] of comments.entries()) {
      const close = closes[i] ?? 0
      if (close === DROP) continue // go-yaml loses it: sops never sees it
      if (close === 0) this.#ev.comment(c.text)
      else this.#pending.push({ frame: frame - close, text: c.text })
    }
  }

  /** gapCloses for a run that ends maps only and goes on in a map; null otherwise. */
  #closing(
    frame: number,
    next: { line: number; column: number } | null,
    comments: readonly { line: number; column: number; text: string }[],
    valueLine: number,
    finalBreak: boolean,
  ): number[] | null {
    const stop = next?.column ?? 0
    const closing: number[] = []
    let f = frame
    for (; f > 0 && (this.#frames[f] as { indent: number }).indent > stop; f--) {
      const fr = this.#frames[f] as { indent: number; map: boolean }
      if (!fr.map) return null
      closing.push(fr.indent)
    }
    const goesOn = this.#frames[f] as { indent: number; map: boolean }
    if (closing.length === 0 || !goesOn.map || goesOn.indent !== stop) return null
    const innermost = closing[0] as number
    if (comments.some((c) => c.column > innermost)) return null
    // Without a final line break: where the text ends (go-yaml counts characters).
    const last = comments[comments.length - 1] as { column: number; text: string }
    const endColumn = last.column + 1 + [...last.text].length
    return gapCloses({ valueLine, comments, closing, next, finalBreak, endColumn })
  }

  /** The block under `key:` (a map or a sequence, more indented than the key). */
  #nested(parentIndent: number): void {
    const l = this.#peek()
    if (l === null || l.indent <= parentIndent || l.body.startsWith("#")) return bail()
    if (l.body === "-" || l.body.startsWith("- ")) this.#seq(l.indent)
    else this.#map(l.indent, null)
  }

  #seq(indent: number): void {
    if (++this.#depth > MAX_YAML_DEPTH) bail()
    this.#ev.listStart()
    this.#frames.push({ indent, map: false })
    for (let l = this.#peek(); l !== null && l.indent >= indent; l = this.#peek()) {
      if (l.indent > indent || !l.body.startsWith("- ")) bail()
      this.#lines.next()
      const rest = l.body.slice(2)
      const value = unindent(rest)
      const pad = rest.length - value.length
      // An empty item, a comment or `- - x` there is no map line and no scalar: #scalarNode bails.
      const column = indent + 2 + pad
      if (isMapLine(value)) this.#map(column, value)
      else this.#scalarNode(value)
    }
    this.#frames.pop()
    this.#depth--
    this.#ev.listEnd()
  }

  /** The value after `key: `: a one-line scalar, `{}`/`[]`, or a `|` literal block. */
  #inlineValue(text: string, indent: number): void {
    if (text === "{}") this.#ev.emptyMap()
    else if (text === "[]") this.#ev.emptyList()
    else if (text === "|" || text === "|-") this.#literal(text === "|-", indent)
    else this.#scalarNode(text)
  }

  /**
   * A one-line scalar. A plain scalar may continue on more-indented lines (folded): outside this
   * subset, and so is any more-indented line after the value (the map or sequence reading on bails
   * on it, #commentsAfter on a comment there).
   */
  #scalarNode(text: string): void {
    if (text === "") bail()
    this.#ev.scalar(scalarOf(text))
  }

  /** A literal block scalar; its content is indented more than `parentIndent`. */
  #literal(strip: boolean, parentIndent: number): void {
    const content: string[] = []
    let contentIndent = -1
    let trailingBlank = 0
    for (let raw = this.#lines.line(); raw !== undefined; raw = this.#lines.line()) {
      // A character go-yaml refuses, anywhere (comments too): the tree path reports where. U+2028
      // and U+2029 end a line to go-yaml, which then drops the indentation after them: the
      // document reader reads them so.
      if (CONTROL.test(raw) || SEPARATOR.test(raw)) bail()
      const body = unindent(raw)
      if (body === "") {
        // Blank lines: inside the block only below content (contentIndent is -1 before it);
        // extra spaces on them are content.
        if (raw.length > contentIndent) bail()
        trailingBlank++
        this.#lines.next()
        continue
      }
      const ind = raw.length - body.length
      if (contentIndent === -1) {
        if (ind <= parentIndent) break
        contentIndent = ind
      } else if (ind < contentIndent) break
      for (; trailingBlank > 0; trailingBlank--) content.push("")
      content.push(raw.slice(contentIndent))
      this.#lines.next()
    }
    if (content.length === 0) return bail()
    // A literal's last line must not end the file without its newline (the chomping differs).
    if (this.#lines.line() === undefined && trailingBlank === 0) bail()
    const body = content.join("\n")
    this.#ev.scalar({ kind: "string", value: strip ? body : body + "\n" })
  }
}

/**
 * `s` without its leading spaces. Only spaces: String.trimStart would also take what YAML reads as
 * content (no-break and other Unicode spaces: go-yaml keeps `a: \u00a0x` as "\u00a0x"); tabs
 * never get here.
 */
function unindent(s: string): string {
  let i = 0
  while (s.charCodeAt(i) === 32) i++
  return s.slice(i)
}

/** `key: …` or `key:` starting a `- ` item's map. */
function isMapLine(s: string): boolean {
  const colon = s.indexOf(":")
  return colon > 0 && KEY.test(s.slice(0, colon)) && (colon === s.length - 1 || s[colon + 1] === " ")
}

function commentText(body: string): string {
  if (body.endsWith(" ")) bail()
  // A lone `#` is the empty comment (go-yaml's), written back as `#` and never sealed.
  return body.substring(1)
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

/** Builds the branch from the events. */
class TreeEvents implements YamlEvents {
  root: Branch | null = null
  readonly #open: { items: MapItem[] | ListItem[]; key: string | null; map: boolean }[] = []

  #add(node: TreeNode): void {
    const top = this.#open[this.#open.length - 1]
    if (top === undefined) return
    if (top.map) (top.items as MapItem[]).push({ kind: "entry", key: top.key ?? "", value: node })
    else (top.items as ListItem[]).push(node)
  }

  mapStart(): void {
    this.#open.push({ items: [], key: null, map: true })
  }
  listStart(): void {
    this.#open.push({ items: [], key: null, map: false })
  }
  mapEnd(): void {
    const done = this.#open.pop()
    if (done === undefined) return
    const node: Branch = { kind: "map", items: done.items as MapItem[] }
    if (this.#open.length === 0) this.root = node
    else this.#add(node)
  }
  listEnd(): void {
    const done = this.#open.pop()
    if (done !== undefined) this.#add({ kind: "list", items: done.items as ListItem[] })
  }
  emptyMap(): void {
    this.#add({ kind: "map", items: [] })
  }
  emptyList(): void {
    this.#add({ kind: "list", items: [] })
  }
  key(key: string): void {
    const top = this.#open[this.#open.length - 1]
    if (top !== undefined) top.key = key
  }
  scalar(value: Scalar): void {
    this.#add({ kind: "scalar", value })
  }
  comment(text: string): void {
    this.#open[this.#open.length - 1]?.items.push({ kind: "comment", text })
  }
}
