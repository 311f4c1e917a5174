// YAML read below the document model: walks the `yaml` package's CST (Parser tokens) straight
// into branches, skipping its Composer, node classes and schema, which cost about 4× the parse
// itself (measured: the perf notes in the issue). It reproduces exactly what yaml-read.ts makes of a
// file, comments included, for the block-style subset sealed files and most hand-written
// secrets use: block maps and sequences, plain/quoted/block scalars, full-line and end-of-line
// comments. Anything else (anchors, aliases, tags, flow collections, merge keys, directives,
// several documents, any parse error) returns null and the caller uses the document-model
// reader, which decides and reports errors as before. test/core/formats/yaml-cst.property.test.ts
// runs both readers on random documents.
import { CST, Parser } from "yaml"
import type { Branch, ListItem, MapItem, Scalar, TreeNode } from "../tree/node.js"
import { MAX_YAML_DEPTH } from "./yaml-depth.js"
import { placeGapComments } from "./yaml-gap-tree.js"
import { resolvePlain } from "./yaml-scalar.js"

type Token = CST.Token
type SourceToken = CST.SourceToken

/** Thrown inside the walk when the input needs the document-model reader. */
class Unsupported extends Error {}
const bail = (): never => {
  throw new Unsupported()
}

/** The branches yaml-read.ts would return, or null when this reader does not handle the input. */
export function readYamlCst(text: string): Branch[] | null {
  // Tabs: where the composer allows them and where not is subtle; sealed files never have any.
  if (text.includes("\t")) return null
  try {
    const tokens = Array.from(new Parser().parse(text))
    return [placeGapComments(readTokens(tokens), tokens, text)]
  } catch (err) {
    if (err instanceof Unsupported) return null
    throw err
  }
}

function readTokens(tokens: Iterable<Token>): Branch {
  const items: MapItem[] = []
  let doc: CST.Document | null = null
  for (const t of tokens) {
    if (doc !== null) bail() // anything after the document: a second document, doc-end, errors
    if (t.type === "document") doc = t
    else if (t.type === "comment") items.push(comment(t))
    else if (t.type !== "newline" && t.type !== "space") bail()
  }
  if (doc === null) return bail()
  for (const t of doc.start) {
    if (t.type === "comment") items.push(comment(t))
    else if (t.type !== "newline" && t.type !== "space") bail() // ---, anchors, tags
  }
  if (doc.value?.type !== "block-map") bail()
  // A loop, not push(...): a large file's top level has more entries than a call has arguments.
  for (const it of readMap(doc.value as CST.BlockMap, 1).items) items.push(it)
  for (const t of doc.end ?? []) {
    if (t.type === "comment") items.push(comment(t))
    else if (t.type !== "newline" && t.type !== "space") bail()
  }
  return { kind: "map", items }
}

/** A comment item: the text after `#` (a lone `#` is the empty comment, as in go-yaml). */
function comment(t: SourceToken, inline = false): MapItem & ListItem {
  const text = t.source.substring(1)
  return inline ? { kind: "comment", text, inline } : { kind: "comment", text }
}

/** Comment tokens of a run of space/newline/comment tokens; anything else bails. */
function comments(tokens: readonly Token[] | undefined, allow = ""): SourceToken[] {
  const out: SourceToken[] = []
  for (const t of tokens ?? []) {
    // Spaces hold no tab: readYamlCst leaves any text with a tab to the document reader.
    if (t.type === "comment") out.push(t)
    else if (t.type !== "space" && t.type !== "newline" && t.type !== allow) bail()
  }
  return out
}

/** `depth`: this map's nesting level, 1 for a document's root; deeper than the limit is the document reader's to refuse. */
function readMap(map: CST.BlockMap, depth: number): { kind: "map"; items: MapItem[] } {
  if (depth > MAX_YAML_DEPTH) bail()
  const items: MapItem[] = []
  const seen = new Set<string>()
  for (const it of map.items) {
    for (const c of comments(it.start)) items.push(comment(c))
    if (it.key === undefined && it.sep === undefined && it.value === undefined) continue // trailing comments
    if (it.key === undefined || it.key === null || it.sep === undefined) return bail()
    // The parser groups a key indented unlike its siblings into the map; the composer rejects it.
    if ("indent" in it.key && it.key.indent !== map.indent) bail()
    const key = readKey(it.key)
    if (seen.has(key)) bail()
    seen.add(key)
    if (it.sep[0]?.type !== "map-value-ind") bail()
    const sepComments = comments(it.sep, "map-value-ind")
    const value = it.value
    if (value?.type === "block-map" || value?.type === "block-seq") {
      // A nested block on the key's own line (`a: b: c`) is an error for the composer.
      if (!it.sep.some((t) => t.type === "newline")) bail()
      const firstNewline = it.sep.findIndex((t) => t.type === "newline")
      const lead = [...sepComments]
      // `key: # c`: the composer gives the first comment to the key; sops writes it above.
      if (lead.length > 0 && it.sep.indexOf(lead[0] as SourceToken) < firstNewline)
        items.push(comment(lead.shift() as SourceToken))
      const inner = value.type === "block-map" ? readMap(value, depth + 1) : readSeq(value, depth + 1)
      const leadItems = lead.map((c) => comment(c))
      const tree: TreeNode =
        inner.kind === "map"
          ? { kind: "map", items: [...leadItems, ...inner.items] }
          : { kind: "list", items: [...leadItems, ...inner.items] }
      items.push({ kind: "entry", key, value: tree })
      continue
    }
    if (sepComments.length > 0) bail()
    const empty = emptyFlow(value)
    if (empty !== null) {
      items.push({ kind: "entry", key, value: empty })
      continue
    }
    const { scalar, endComments, below } = readScalarToken(value)
    // Only the comment on the value's own line is its line comment; go-yaml makes those on the
    // lines below (more indented than the map: the parser hangs them on the scalar) its foot.
    const [line, foot] = [
      endComments.slice(0, endComments.length - below),
      endComments.slice(endComments.length - below),
    ]
    for (const c of line) items.push(comment(c, true))
    items.push({ kind: "entry", key, value: { kind: "scalar", value: scalar } })
    for (const c of foot) items.push(comment(c))
  }
  return { kind: "map", items }
}

function readSeq(seq: CST.BlockSequence, depth: number): { kind: "list"; items: ListItem[] } {
  if (depth > MAX_YAML_DEPTH) bail()
  const items: ListItem[] = []
  let trailing: SourceToken[] | null = null
  let lastBlockMap = false
  for (const it of seq.items) {
    if (trailing !== null) bail()
    const before = comments(it.start, "seq-item-ind")
    const hasIndicator = it.start.some((t) => t.type === "seq-item-ind")
    if (!hasIndicator) {
      if (it.value !== undefined) bail()
      trailing = before
      continue
    }
    for (const c of before) items.push(comment(c))
    const value = it.value
    if (value === undefined) return bail()
    lastBlockMap = value.type === "block-map"
    if (value.type === "block-map") items.push(readMap(value, depth + 1))
    else if (value.type === "block-seq") items.push(readSeq(value, depth + 1))
    else if (emptyFlow(value) !== null) items.push(emptyFlow(value) as TreeNode)
    else {
      // The line comment goes above the item; those below it (more indented than the list) after.
      const { scalar, endComments, below } = readScalarToken(value)
      const cut = endComments.length - below
      for (const c of endComments.slice(0, cut)) items.push(comment(c))
      items.push({ kind: "scalar", value: scalar })
      for (const c of endComments.slice(cut)) items.push(comment(c))
    }
  }
  if (trailing !== null) {
    // go-yaml makes comments below a list's last item that item's foot comment: inside it when
    // it is a block map (yaml-read.ts does the same with the composer's seq.comment); after it
    // when it is `{}`, which stays an empty map.
    const last = items[items.length - 1]
    if (last !== undefined && last.kind === "map" && lastBlockMap) {
      items[items.length - 1] = { kind: "map", items: [...last.items, ...trailing.map((c) => comment(c))] }
    } else {
      for (const c of trailing) items.push(comment(c))
    }
  }
  return { kind: "list", items }
}

/** `[]` or `{}` (sops writes empty key lists so); null for any other token. */
function emptyFlow(token: Token | undefined): TreeNode | null {
  if (token?.type !== "flow-collection" || token.items.length > 0) return null
  const [close, ...rest] = token.end
  if (comments(rest).length > 0) bail()
  if (token.start.type === "flow-seq-start" && close?.type === "flow-seq-end")
    return { kind: "list", items: [] }
  if (token.start.type === "flow-map-start" && close?.type === "flow-map-end")
    return { kind: "map", items: [] }
  return bail()
}

function readKey(token: Token): string {
  if (
    token.type !== "scalar" &&
    token.type !== "single-quoted-scalar" &&
    token.type !== "double-quoted-scalar"
  )
    return bail()
  if (token.source.includes("\n") || token.source.length > 1024) bail()
  const s = resolve(token)
  if (s.type !== "PLAIN") return s.value
  if (s.value === "<<") bail() // merge key: the document-model reader handles it
  const v = resolvePlain(s.value)
  return v !== "overflow" && v.kind === "string" ? v.value : bail()
}

/**
 * A scalar value and the comments after it (its line's and any the parser hangs on it below):
 * the composer makes them all the node's `comment`, which yaml-read.ts cuts as this does.
 */
function readScalarToken(token: Token | undefined): {
  scalar: Scalar
  endComments: SourceToken[]
  /** How many of the last endComments stand on lines below the value's. */
  below: number
} {
  if (token === undefined) return bail() // `key:` with nothing: the composer's empty-node rules
  if (token.type === "block-scalar") {
    if (comments(token.props, "block-scalar-header").length > 0) bail()
    return { scalar: { kind: "string", value: resolve(token).value }, endComments: [], below: 0 }
  }
  if (
    token.type !== "scalar" &&
    token.type !== "single-quoted-scalar" &&
    token.type !== "double-quoted-scalar"
  )
    return bail()
  const ends = comments(token.end)
  const firstBreak = (token.end ?? []).findIndex((t) => t.type === "newline")
  const below = firstBreak === -1 ? 0 : comments(token.end?.slice(firstBreak)).length
  // The composer wants white space before a comment (`"x"#c` is an error).
  for (const [i, t] of (token.end ?? []).entries()) {
    const prev = token.end?.[i - 1]?.type
    if (t.type === "comment" && prev !== "space" && prev !== "newline") bail()
  }
  const s = resolve(token)
  let scalar: Scalar = { kind: "string", value: s.value }
  if (s.type === "PLAIN") {
    const v = resolvePlain(s.value)
    if (v === "overflow") bail()
    scalar = v as Scalar
  }
  return { scalar, endComments: ends, below }
}

function resolve(token: CST.FlowScalar | CST.BlockScalar): { value: string; type: string | null } {
  // U+2028/U+2029, line breaks to go-yaml: the document reader reads them as go-yaml does.
  if (/[\u2028\u2029]/.test(token.source)) bail()
  const r = CST.resolveAsScalar(token, true, () => bail())
  return { value: r.value, type: r.type }
}
