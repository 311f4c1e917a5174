import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Parser,
  type CST,
  type Document,
  type Node,
  type Scalar as YamlScalar,
  type YAMLMap,
} from "yaml"
import { FormatError } from "../errors.js"
import type { Branch, ListItem, MapItem, MapNode, Scalar, TreeNode } from "../tree/node.js"
import { assertYamlDepth } from "./yaml-depth.js"
import { yamlErrorAt } from "./yaml-error.js"
import { placeGapComments } from "./yaml-gap-tree.js"
import { refuseLeadingTabs } from "./yaml-tabs.js"
import { resolvePlain } from "./yaml-scalar.js"

const NULL_TAG = "tag:yaml.org,2002:null"
const MERGE_KEY = "<<"

/**
 * Reads YAML into branches the way sops' go-yaml store does: one branch per document, maps
 * only, go-yaml v3 typing of plain scalars, aliases expanded, comments as items (a comment on a
 * value's line goes before its entry, as sops loads it). The `yaml` package parses with the
 * failsafe schema so every scalar keeps its source text and we type it with go-yaml's rules.
 */
export function readYaml(text: string, source: string): Branch[] {
  assertYamlDepth(text, source)
  const lone = loneCommentMark(text)
  const composer = new Composer({ schema: "failsafe", uniqueKeys: false, prettyErrors: false })
  const tokens = Array.from(new Parser().parse(text))
  const docs = Array.from(composer.compose(lone === null ? tokens : markLoneComments(tokens, lone)))
  const branches: Branch[] = []
  for (const doc of docs) {
    const err = doc.errors[0]
    if (err !== undefined) {
      const { line, column, reason } = yamlErrorAt(text, err)
      throw new FormatError(source, line, `invalid yaml: ${reason}`, { column })
    }
  }
  refuseLeadingTabs(docs, text, source)
  for (const doc of docs) {
    // Comments below nested maps go where go-yaml puts them (one document: the usual case).
    const read = readDocument(doc, source, text)
    const branch = docs.length === 1 ? placeGapComments(read, tokens, text) : read
    branches.push(lone === null ? branch : unmarkMap(branch, lone))
  }
  return branches
}

/**
 * A lone `#` is an empty comment to go-yaml and sops (written back as `#`, never sealed), but the
 * yaml package's composer words it " ", as it does `# `. Its comment tokens are marked before
 * composing: the returned text, which no comment of `text` has, stands for the empty comment.
 * Null when `text` has no `#` at the end of a line (nothing to mark).
 */
function loneCommentMark(text: string): string | null {
  if (!/#(?:\r?\n|$)/.test(text)) return null
  const runs = text.match(/\ue000+/g) ?? []
  return "\ue000".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1)
}

function* markLoneComments(tokens: Iterable<CST.Token>, mark: string): Generator<CST.Token> {
  for (const t of tokens) {
    markIn(t, mark, 0)
    yield t
  }
}

/** Replaces the source of every `#` comment token under `node` with `#` + mark. */
function markIn(node: unknown, mark: string, depth: number): void {
  if (typeof node !== "object" || node === null || depth > 10_000) return
  if (Array.isArray(node)) {
    for (const n of node) markIn(n, mark, depth + 1)
    return
  }
  const t = node as { type?: unknown; source?: unknown }
  if (t.type === "comment" && t.source === "#") t.source = `#${mark}`
  else for (const v of Object.values(node)) markIn(v, mark, depth + 1)
}

/** The tree with each marked comment made the empty comment it stands for. */
function unmark(node: TreeNode, mark: string): TreeNode {
  if (node.kind === "map") return unmarkMap(node, mark)
  if (node.kind === "scalar") return node
  const items = node.items.map((it): ListItem => {
    if (it.kind === "comment") return it.text === mark ? { ...it, text: "" } : it
    return unmark(it, mark)
  })
  return { kind: "list", items }
}

function unmarkMap(node: MapNode, mark: string): MapNode {
  const items = node.items.map((it): MapItem => {
    if (it.kind === "comment") return it.text === mark ? { ...it, text: "" } : it
    return { ...it, value: unmark(it.value, mark) }
  })
  return { kind: "map", items }
}

function readDocument(doc: Document.Parsed, source: string, text: string): Branch {
  const ctx: Ctx = { doc, source, text, budget: aliasBudget(text) }
  const items: MapItem[] = []
  pushComments(items, doc.commentBefore)
  const root = doc.contents
  if (root === null || isNullRoot(root)) {
    // go-yaml reads the document as null: sops makes it an empty map and keeps its comments.
    pushComments(items, root?.commentBefore)
    pushComments(items, root?.comment)
  } else if (isMap(root)) {
    pushComments(items, root.commentBefore)
    // Only a flow root has a comment of its own, the one on its line (`{a: 1} # c`; those below
    // are the document's): go-yaml makes it the root's head, which sops writes above the entries.
    pushComments(items, root.comment)
    // A loop, not push(...): a large file's top level has more entries than a call has arguments.
    for (const it of readMap(root, ctx).items) items.push(it)
  } else {
    throw new FormatError(
      source,
      lineOf(ctx, root),
      "yaml documents must be mappings (sops does not support top-level sequences or scalars)",
    )
  }
  pushComments(items, doc.comment)
  return { kind: "map", items }
}

/**
 * A root go-yaml reads as null (`---` alone, `~`, `null`, `!!null ""`), which sops takes for an
 * empty document; any other scalar, a quoted `""` or `!!str` included, it refuses.
 */
function isNullRoot(root: Node): boolean {
  if (!isScalar(root) || typeof root.value !== "string") return false
  // `!!null` takes the null words quoted too (`!!null ""`); `!!null x` go-yaml refuses.
  if (root.tag !== NULL_TAG && (root.tag !== undefined || root.type !== "PLAIN")) return false
  const v = resolvePlain(root.value)
  return v !== "overflow" && v.kind === "null"
}

interface Ctx {
  readonly doc: Document.Parsed
  readonly source: string
  readonly text: string
  /** Nodes left to build: aliases expand, so a "billion laughs" file would never end. */
  budget: number
}

/**
 * Without aliases a document has fewer nodes than characters; ten times that (plus room for
 * small files) leaves ordinary anchors alone and stops an alias bomb with go-yaml's words.
 */
const aliasBudget = (text: string): number => 10 * text.length + 10_000

function lineOf(ctx: Ctx, node: Node | null | undefined): number | undefined {
  const offset = node?.range?.[0]
  if (offset === undefined) return undefined
  let line = 1
  for (let i = 0; i < offset; i++) if (ctx.text.charCodeAt(i) === 10) line++
  return line
}

function pushComments(
  items: (MapItem | ListItem)[],
  comment: string | null | undefined,
  inline = false,
): void {
  if (comment === null || comment === undefined || comment === "") return
  for (const line of comment.split("\n")) {
    if (line !== "")
      items.push(inline ? { kind: "comment", text: line, inline } : { kind: "comment", text: line })
  }
}

function readNode(node: unknown, ctx: Ctx, depth = 0): TreeNode {
  if (depth > 1000) throw new FormatError(ctx.source, undefined, "yaml nesting too deep (alias loop?)")
  if (--ctx.budget < 0)
    throw new FormatError(ctx.source, undefined, "invalid yaml: document contains excessive aliasing")
  if (isAlias(node)) return readNode(node.resolve(ctx.doc), ctx, depth + 1)
  if (isMap(node)) return readMap(node, ctx, depth)
  if (isSeq(node)) {
    const items: ListItem[] = []
    for (const item of node.items) {
      const n = item as Node
      pushComments(items, n.commentBefore)
      // A flow item's comments are the list's, not inside it: `- []` stays an empty list. A
      // scalar's are its line comment and the comments below it that the yaml package gives it
      // (more indented than the list): those stay after the item.
      const [line, below] =
        isScalar(n) && isEmptyNode(n)
          ? splitEmptyItemComment(n, ctx)
          : isFlow(n) || isScalar(n)
            ? splitLineComment(n, ctx)
            : [undefined, undefined]
      pushComments(items, line)
      items.push(readNode(n, ctx, depth + 1))
      pushComments(items, below)
    }
    // go-yaml makes comments below a list's last item that item's foot comment: when the item
    // is a block map they belong inside it (sops writes them at the map's indentation).
    const last = items[items.length - 1]
    const lastNode = node.items[node.items.length - 1]
    if (last !== undefined && last.kind === "map" && !isFlow(lastNode) && (node.comment ?? "") !== "") {
      const inner: MapItem[] = [...last.items]
      pushComments(inner, node.comment)
      items[items.length - 1] = { kind: "map", items: inner }
    } else if (!isFlow(node)) {
      pushComments(items, node.comment)
    }
    return { kind: "list", items }
  }
  if (isScalar(node)) return { kind: "scalar", value: readScalar(node, ctx) }
  if (node === null || node === undefined) return { kind: "scalar", value: { kind: "null" } }
  throw new FormatError(ctx.source, undefined, "unsupported yaml node")
}

function readMap(node: YAMLMap, ctx: Ctx, depth = 0): MapNode {
  const items: MapItem[] = []
  // Duplicates are checked here with a set: the yaml package's own check is quadratic.
  const seen = new Set<string>()
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null
    const key = readKey(keyNode, ctx)
    if (seen.has(key))
      throw new FormatError(ctx.source, lineOf(ctx, keyNode), `duplicate key ${JSON.stringify(key)}`)
    seen.add(key)
    const value = pair.value as Node | null
    let foot: string | undefined
    // A flow map's line comment (`a: {x: 1} # e`, or the anchored map's an alias repeats): sops
    // 3.13.2 writes it first inside the map, which reads back the same.
    let mapHead: string | undefined
    pushComments(items, keyNode?.commentBefore)
    pushComments(items, keyNode?.comment)
    // A flow value (`[]`, `{a: 1}`) takes its comments as a scalar does, outside it: inside, an
    // empty one would be written as a null value.
    const collection = (isMap(value) || isSeq(value)) && !isFlow(value)
    if (!collection) {
      pushComments(items, value?.commentBefore)
      // A comment on the value's line: sops keeps it before the entry, flagged so that a sealed
      // file writes it back on the same line (sops 3.13 does; its plain output moves it above).
      // The composer adds the comments of the lines below that are more indented than the map:
      // go-yaml makes those the value's foot, after the entry.
      const [line, below] = splitLineComment(dropInsideEmptyMap(value, ctx), ctx)
      const target = isAlias(value) ? value.resolve(ctx.doc) : value
      const flowMap = isMap(target) && isFlow(target) && target.items.length > 0
      if (flowMap) mapHead = target === value ? line : splitLineComment(target, ctx)[0]
      // sops 3.13.2 seals a flow list's line comment as an item of it (a file it cannot open):
      // sealbridge keeps it above the entry, where sops' plain output puts a line comment.
      if (!flowMap || target !== value) pushComments(items, line, !isFlow(value))
      foot = below
    }
    let tree = readNode(value, ctx, depth + 1)
    if (mapHead !== undefined && tree.kind === "map") {
      const head: MapItem[] = []
      pushComments(head, mapHead)
      tree = { kind: "map", items: [...head, ...tree.items] }
    }
    if (collection && value !== null && (value.commentBefore ?? "") !== "") {
      let inside = value.commentBefore ?? ""
      if (commentOnKeyLine(keyNode, ctx)) {
        // `key: # c` — go-yaml gives it to the key, and sops writes it above the key.
        const [first = "", ...rest] = inside.split("\n")
        pushComments(items, first)
        inside = rest.join("\n")
      }
      const lead: (MapItem | ListItem)[] = []
      pushComments(lead, inside)
      tree =
        tree.kind === "map"
          ? { kind: "map", items: [...(lead as MapItem[]), ...tree.items] }
          : { kind: "list", items: [...(lead as ListItem[]), ...(tree.kind === "list" ? tree.items : [])] }
    }
    items.push({ kind: "entry", key, value: tree })
    pushComments(items, foot)
  }
  if (depth > 0 && !isFlow(node)) pushComments(items, node.comment)
  return { kind: "map", items }
}

/**
 * `value` without the comments inside it when it is an empty flow map (`{\n  # c\n}`, as go-yaml
 * writes a map left with comments only): go-yaml drops them (sops 3.13.2 opens it as `a: {}`).
 */
function dropInsideEmptyMap(value: Node | null, ctx: Ctx): Node | null {
  const range = value?.range
  if (!isMap(value) || !isFlow(value) || value.items.length > 0 || range === undefined || range === null)
    return value
  const inside = ctx.text.slice(range[0], range[1]).match(/(?:^|\s)#/g)?.length ?? 0
  if (inside === 0) return value
  const rest = (value.comment ?? "").split("\n").slice(inside).join("\n")
  // A copy: the node stays as the composer made it (an alias may reach it again).
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object) as YAMLMap, value, {
    comment: rest === "" ? null : rest,
  })
}

/** A flow collection (`[…]`, `{…}`): its own comments are its parent's to place. */
function isFlow(node: unknown): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true
}

/**
 * A scalar value's comment cut in two: the first line when a `#` stands on the value's own line
 * (its line comment), the rest (comments on the lines below).
 */
function splitLineComment(value: Node | null, ctx: Ctx): [string | undefined, string | undefined] {
  const comment = value?.comment ?? undefined
  const end = value?.range?.[1]
  if (comment === undefined || end === undefined) return [comment, undefined]
  const eol = ctx.text.indexOf("\n", end)
  if (ctx.text.slice(end, eol === -1 ? undefined : eol).includes("#")) {
    const cut = comment.indexOf("\n")
    return cut === -1 ? [comment, undefined] : [comment.slice(0, cut), comment.slice(cut + 1)]
  }
  return [undefined, comment]
}

const isEmptyNode = (n: Node): boolean =>
  n.range !== undefined && n.range !== null && n.range[0] === n.range[1]

/**
 * An empty list item (`-`): the yaml package hangs the comments above it and below it on its
 * empty scalar alike. Those on the lines after the `-` stay below the item, the others above.
 */
function splitEmptyItemComment(n: Node, ctx: Ctx): [string | undefined, string | undefined] {
  const comment = n.comment ?? undefined
  const at = n.range?.[0]
  if (comment === undefined || at === undefined) return [comment, undefined]
  let after = 0
  for (let eol = ctx.text.indexOf("\n", at); eol !== -1;) {
    const next = ctx.text.indexOf("\n", eol + 1)
    const text = ctx.text.slice(eol + 1, next === -1 ? undefined : next)
    if (/^[ ]*#/.test(text)) after++
    else if (text.trim() !== "") break
    eol = next
  }
  const lines = comment.split("\n")
  // From the end, past `after` comment lines (blank lines inside the comment are "" lines).
  let cut = lines.length
  for (let seen = 0; cut > 0 && seen < after; cut--) if (lines[cut - 1] !== "") seen++
  const join = (l: string[]): string | undefined => (l.length === 0 ? undefined : l.join("\n"))
  return [join(lines.slice(0, cut)), join(lines.slice(cut))]
}

/** True when a `#` comment follows the key on its own line (`key: # c`). */
function commentOnKeyLine(keyNode: Node | null, ctx: Ctx): boolean {
  const end = keyNode?.range?.[1]
  if (end === undefined) return false
  const eol = ctx.text.indexOf("\n", end)
  const rest = ctx.text.slice(end, eol === -1 ? undefined : eol)
  // The `#` has white space before it: the yaml package refuses a file where it has not.
  return /\s#/.test(rest)
}

function readKey(node: Node | null, ctx: Ctx): string {
  // A merge key (`<<:` or `!!merge <<:`) is kept as the key "<<" with its value expanded, as sops'
  // go-yaml store keeps it (it does not merge); the yaml package gives it as a symbol.
  if (isScalar(node) && typeof node.value === "symbol") return MERGE_KEY
  if (isScalar(node)) {
    const v = readScalar(node, ctx)
    if (v.kind === "string") return v.value
  }
  throw new FormatError(
    ctx.source,
    lineOf(ctx, node),
    "map keys must be strings (sops cannot encrypt files with non-string keys); quote the key",
  )
}

function readScalar(node: YamlScalar, ctx: Ctx): Scalar {
  // `!!binary`: the yaml package decodes it whatever the schema (its value is then the bytes), as
  // go-yaml does; sops seals the decoded text.
  if (node.value instanceof Uint8Array)
    return { kind: "string", value: Buffer.from(node.value).toString("utf8") }
  // The text as written: the package also resolves `!!timestamp` (a Date) and `!!merge` (a symbol).
  const raw = lineSeparators(node, typeof node.value === "string" ? node.value : (node.source ?? ""), ctx)
  const want = node.tag === undefined ? undefined : CORE_TAGS.get(node.tag)
  // Other tags (`!!str`, `!foo`) keep the text as a string, as go-yaml does.
  if (node.tag !== undefined && want === undefined) return { kind: "string", value: raw }
  // Untagged quoted text is a string; a core tag types even quoted text (`!!int "7"` is 7).
  if (node.type !== "PLAIN" && want === undefined) return { kind: "string", value: raw }
  const v = resolvePlain(raw)
  if (v === "overflow")
    throw new FormatError(ctx.source, lineOf(ctx, node), "integer does not fit in 64 bits (sops refuses it)")
  if (want === undefined || v.kind === want) return v
  // go-yaml v3's resolve: an int read under !!float becomes a float; any other mismatch is an error.
  if (want === "float" && v.kind === "int") return { kind: "float", value: Number(v.value) }
  throw new FormatError(
    ctx.source,
    lineOf(ctx, node),
    `cannot decode a !!${SHORT_TAG[v.kind]} scalar as a !!${SHORT_TAG[want]}`,
  )
}

/**
 * U+2028 and U+2029 are line breaks to go-yaml (YAML 1.1), plain characters to the yaml package:
 * in single quotes go-yaml drops the blanks around them, in a literal or folded block the
 * indentation after them, as it does after a line break (a folded block keeps the break itself).
 * That is how it writes them (yaml-write.ts), so they read back the same. (Double quotes write
 * them escaped; plain scalars never hold them.)
 */
function lineSeparators(node: YamlScalar, text: string, ctx: Ctx): string {
  if (!/[\u2028\u2029]/.test(text)) return text
  if (node.type === "QUOTE_SINGLE") {
    // Each run of blanks once, kept unless a break is next to it: a pattern with the blanks before
    // the break optional backtracks quadratically over a long run that ends in something else.
    const isBreak = (c: string | undefined): boolean => c === "\u2028" || c === "\u2029"
    return text.replace(/[ \t]+/g, (run, at: number) =>
      isBreak(text[at - 1]) || isBreak(text[at + run.length]) ? "" : run,
    )
  }
  const block = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED"
  if (!block || node.range === undefined || node.range === null) return text
  // The block's indentation: its first line that is not blank.
  const body = ctx.text.slice(node.range[0], node.range[1]).split("\n").slice(1)
  const first = body.find((l) => l.trim() !== "")
  const indent = first === undefined ? 0 : first.length - first.trimStart().length
  return text.replace(new RegExp(`([\\u2028\\u2029]) {0,${indent}}`, "g"), "$1")
}

/** go-yaml v3's resolvable tags other than !!str and !!binary, and the kind each must resolve to. */
const CORE_TAGS = new Map<string, "int" | "float" | "bool" | "null" | "time">([
  ["tag:yaml.org,2002:int", "int"],
  ["tag:yaml.org,2002:float", "float"],
  ["tag:yaml.org,2002:bool", "bool"],
  ["tag:yaml.org,2002:null", "null"],
  ["tag:yaml.org,2002:timestamp", "time"],
])

const SHORT_TAG: Record<Scalar["kind"], string> = {
  string: "str",
  int: "int",
  float: "float",
  bool: "bool",
  null: "null",
  time: "timestamp",
  bytes: "binary",
}
