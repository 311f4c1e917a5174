// The tree readers' side of yaml-gap.ts: finds, in the `yaml` package's CST of a document, each
// run of full-line comments after a one-line value of a nested block map that ends one or more
// block maps, and moves those comments of the branch read from it (the same comments, in the same
// order, wherever the reader put them between that value and the next key) into the maps go-yaml
// gives them to. yaml-line-read.ts places them as it reads; yaml-cst-read.ts and yaml-read.ts call
// this on what they read, so the three readers still give the same branches.
import type { CST } from "yaml"
import type { Branch, CommentItem, ListItem, MapItem, TreeNode } from "../tree/node.js"
import { DROP, gapCloses } from "./yaml-gap.js"

interface Frame {
  readonly map: boolean
  /** Offset of the first key (maps) or `-` (sequences): their column is its. */
  readonly offset: number
  readonly parent: Frame | null
}

/** What the CST holds, in document order: content tokens and comments. */
type Flat =
  | { readonly t: "comment"; readonly offset: number; readonly text: string }
  | {
      readonly t: "content"
      readonly offset: number
      readonly frame: Frame | null
      readonly value: boolean
      /** A flow value's own closes at the end of its events (its `]` or `}`): not the run's. */
      readonly own?: number
      /** An empty value (`key:`): the content is its `:`. */
      readonly empty?: boolean
    }

/** A run to place: comment ordinals (among all comments) and where each goes. */
interface Placement {
  readonly first: number
  readonly closes: readonly number[]
  readonly ending: number
  /** The value's own closes, right after it (a flow list or map): the run starts after them. */
  readonly own: number
}

class Unplaced extends Error {}
const give = (): never => {
  throw new Unplaced()
}

/**
 * `branch` (read from `text`, whose CST is `tokens`: one document) with the comments of each
 * closing run in the maps go-yaml puts them in; `branch` itself when there is nothing to move or
 * the CST is not one this follows.
 */
export function placeGapComments(branch: Branch, tokens: readonly CST.Token[], text: string): Branch {
  if (!/\n[ ]*#/.test(text)) return branch
  try {
    const flat: Flat[] = []
    if (tokens.filter((t) => t.type === "document").length !== 1) give()
    for (const t of tokens) walk(t, null, flat)
    for (let i = 1; i < flat.length; i++) if ((flat[i] as Flat).offset <= (flat[i - 1] as Flat).offset) give()
    const placements = plan(flat, new Lines(text))
    if (placements.length === 0) return branch
    return relocate(
      branch,
      placements,
      flat.filter((f) => f.t === "comment").map((f) => f.text),
    )
  } catch (err) {
    if (err instanceof Unplaced) return branch
    throw err
  }
}

class Lines {
  readonly #starts: number[] = [0]
  readonly #text: string
  constructor(text: string) {
    this.#text = text
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.#starts.push(i + 1)
  }
  /** 0-based line and column of `offset`. */
  at(offset: number): { line: number; column: number } {
    let lo = 0
    let hi = this.#starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.#starts[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo, column: offset - (this.#starts[lo] as number) }
  }
  /** Whether only spaces stand before `offset` on its line. */
  alone(offset: number): boolean {
    const { line } = this.at(offset)
    return /^ *$/.test(this.#text.slice(this.#starts[line], offset))
  }
  /** How many characters (as go-yaml counts them: code points) the line of `offset` has. */
  lineLength(offset: number): number {
    const start = this.#starts[this.at(offset).line] as number
    const eol = this.#text.indexOf("\n", offset)
    return [...this.#text.slice(start, eol === -1 ? undefined : eol)].length
  }
  /** The line of the last character before `offset` that is not white space. */
  lastContentLine(offset: number): number {
    let i = offset - 1
    while (i > 0 && /[ \t\r\n]/.test(this.#text[i] as string)) i--
    return this.at(i).line
  }
  /** Whether a line break follows `offset`. */
  breakAfter(offset: number): boolean {
    return this.#text.indexOf("\n", offset) !== -1
  }
}

// --- the CST in document order ---------------------------------------------------------------

function walk(token: CST.Token, frame: Frame | null, out: Flat[]): void {
  switch (token.type) {
    case "document":
      side(token.start, frame, out)
      if (token.value !== undefined) walk(token.value, frame, out)
      side(token.end, frame, out)
      return
    case "block-map": {
      const key = token.items[0]?.key
      const inner: Frame = {
        map: true,
        offset: key !== undefined && key !== null ? offsetOf(key) : give(),
        parent: frame,
      }
      for (const it of token.items) {
        side(it.start, inner, out)
        if (it.key !== undefined && it.key !== null) node(it.key, inner, out, false)
        // `key:` and nothing: the run after it (in the separator) follows the empty value, its `:`.
        indicated(it.sep, "map-value-ind", it.value === undefined, inner, out)
        if (it.value !== undefined) node(it.value, inner, out, true)
      }
      return
    }
    case "block-seq": {
      const dash = token.items[0]?.start.find((t) => t.type === "seq-item-ind")
      const inner: Frame = { map: false, offset: dash?.offset ?? give(), parent: frame }
      for (const it of token.items) {
        // `-` and nothing: the run after it follows the empty item, its `-`.
        indicated(it.start, "seq-item-ind", it.value === undefined, inner, out)
        if (it.value !== undefined) node(it.value, inner, out, true)
      }
      return
    }
    default:
      node(token, frame, out, false)
  }
}

/**
 * The tokens of an item's `indicator` (`:` or `-`) side. When the item has no value, the indicator
 * stands for that empty value (content a run can follow), and an anchor or a tag after it
 * (`key: &a`, `- !!str`) is part of it, not content of its own.
 */
function indicated(
  tokens: readonly CST.Token[] | undefined,
  indicator: "map-value-ind" | "seq-item-ind",
  empty: boolean,
  frame: Frame,
  out: Flat[],
): void {
  let seen = false
  for (const t of tokens ?? []) {
    if (empty && t.type === indicator) {
      out.push({ t: "content", offset: t.offset, frame, value: true, empty: true })
      seen = true
    } else if (!(seen && (t.type === "anchor" || t.type === "tag"))) side([t], frame, out)
  }
}

const isBracket = (t: CST.SourceToken | undefined): boolean =>
  t?.type === "flow-seq-end" || t?.type === "flow-map-end"

const FLOW_SCALARS = new Set(["scalar", "single-quoted-scalar", "double-quoted-scalar"])
const FLOW_PUNCTUATION = new Set(["space", "comma", "anchor", "tag", "map-value-ind", "explicit-key-ind"])

/**
 * A flow collection of scalars on one line (`[1, 2]`, `{a: 1, b: x}`): one list or map of
 * leaves, so that its events end in exactly one close. Nested collections, aliases, pairs in a
 * list and line breaks are not (the reader's placement stands for those).
 */
function flatOneLine(token: CST.FlowCollection): boolean {
  const seq = token.start.type === "flow-seq-start"
  const plain = (t: CST.Token | null | undefined): boolean =>
    t === undefined || t === null || (FLOW_SCALARS.has(t.type) && !("source" in t && t.source.includes("\n")))
  return token.items.every(
    (it) =>
      plain(it.value) &&
      (seq ? it.key === undefined && it.sep === undefined : plain(it.key)) &&
      [...it.start, ...(it.sep ?? [])].every((t) => FLOW_PUNCTUATION.has(t.type)),
  )
}

/**
 * How many non-empty collections end at `token`'s closing bracket: it, the map of a pair that
 * ends a flow list (`[x: 1]`), and a last value that ends there too.
 */
function ownCloses(token: CST.FlowCollection): number {
  const last = token.items[token.items.length - 1]
  const pair =
    token.start.type === "flow-seq-start" && last?.sep?.some((t) => t.type === "map-value-ind") === true
  const own = pair ? 2 : 1
  const inner = last?.value
  return inner?.type === "flow-collection" && inner.items.length > 0 && isBracket(inner.end[0])
    ? own + ownCloses(inner)
    : own
}

function offsetOf(token: CST.Token): number {
  return "offset" in token ? token.offset : give()
}

function node(token: CST.Token, frame: Frame | null, out: Flat[], value: boolean): void {
  switch (token.type) {
    case "block-map":
    case "block-seq":
      return walk(token, frame, out)
    case "scalar":
    case "single-quoted-scalar":
    case "double-quoted-scalar":
      out.push({ t: "content", offset: token.offset, frame, value })
      return side(token.end, frame, out)
    case "block-scalar":
      out.push({ t: "content", offset: token.offset, frame, value })
      return side(token.props, frame, out)
    case "alias":
      out.push({ t: "content", offset: token.offset, frame, value })
      return side(token.end, frame, out)
    case "flow-collection": {
      // `[]`/`{}`, `[1, 2]`, `{a: 1}` on one line: a one-line value; comments after its closing
      // bracket follow it as a scalar's (those on lines below that are more indented than the
      // map too: the reader makes them its foot, as go-yaml does).
      const empty = token.items.length === 0 && isBracket(token.end[0])
      if (value && !empty && isBracket(token.end[0]) && flatOneLine(token)) {
        out.push({ t: "content", offset: token.offset, frame, value: true, own: 1 })
        return side(token.end.slice(1), frame, out)
      }
      out.push({ t: "content", offset: token.offset, frame, value: value && empty })
      for (const it of token.items) {
        side(it.start, frame, out)
        if (it.key !== undefined && it.key !== null) node(it.key, frame, out, false)
        side(it.sep, frame, out)
        if (it.value !== undefined) node(it.value, frame, out, false)
      }
      // The closing bracket of `[]`/`{}` is part of that one-line value, not content after it.
      if (empty) return side(token.end.slice(1), frame, out)
      const close = token.end[0]
      if (!value || !isBracket(close) || close === undefined) return side(token.end, frame, out)
      // Any other flow value ends at its closing bracket: the run follows it, after the closes of
      // the collections that end there.
      out.push({ t: "content", offset: close.offset, frame, value: true, own: ownCloses(token) })
      return side(token.end.slice(1), frame, out)
    }
    case "comment":
    case "space":
    case "newline":
      return side([token], frame, out)
    default:
      if (token.type === "error") give()
      out.push({ t: "content", offset: offsetOf(token), frame, value: false })
  }
}

/** Tokens around content: comments in order; indicators, anchors and tags are content. */
function side(tokens: readonly CST.Token[] | undefined, frame: Frame | null, out: Flat[]): void {
  for (const t of tokens ?? []) {
    if (t.type === "comment") out.push({ t: "comment", offset: t.offset, text: t.source.substring(1) })
    else if (t.type === "space" || t.type === "newline" || t.type === "map-value-ind") continue
    else if (t.type === "block-scalar-header")
      continue // the block scalar's own start
    else if (t.type === "block-map" || t.type === "block-seq") walk(t, frame, out)
    else node(t, frame, out, false)
  }
}

// --- the runs and where their comments go ------------------------------------------------------

function plan(flat: readonly Flat[], lines: Lines): Placement[] {
  const columns = new Map<Frame, number>()
  const column = (f: Frame): number => {
    let c = columns.get(f)
    if (c === undefined) {
      c = lines.at(f.offset).column
      columns.set(f, c)
    }
    return c
  }
  const out: Placement[] = []
  let ordinal = 0
  for (let i = 0; i < flat.length;) {
    const v = flat[i]
    if (v?.t !== "content") {
      ordinal++
      i++
      continue
    }
    let j = i + 1
    while (flat[j]?.t === "comment") j++
    const run = flat.slice(i + 1, j) as Extract<Flat, { t: "comment" }>[]
    const firstOrdinal = ordinal
    ordinal += run.length
    const placed =
      run.length > 0 && v.value && v.frame !== null ? place(v, run, flat[j], lines, column) : null
    if (placed !== null) out.push({ ...placed, first: firstOrdinal + placed.skip })
    i = j
  }
  return out
}

function place(
  v: Extract<Flat, { t: "content" }>,
  run: readonly Extract<Flat, { t: "comment" }>[],
  after: Flat | undefined,
  lines: Lines,
  column: (f: Frame) => number,
): { closes: number[]; ending: number; skip: number; own: number } | null {
  // The value's last line: multi-line values, block scalars and flow values go on below their start.
  const valueLine = run[0] === undefined ? lines.at(v.offset).line : lines.lastContentLine(run[0].offset)
  // A comment on the value's own line is the value's (go-yaml reads it apart).
  const skip = run[0] !== undefined && lines.at(run[0].offset).line === valueLine ? 1 : 0
  const comments = run.slice(skip).map((c) => ({ ...lines.at(c.offset), alone: lines.alone(c.offset) }))
  if (comments.length === 0 || comments.some((c) => !c.alone)) return null
  let next: { line: number; column: number } | null = null
  let goesOn: Frame | null
  if (after === undefined) goesOn = null
  else {
    next = lines.at(after.offset)
    if (after.t !== "content") return null
    goesOn = after.frame
  }
  const closing: number[] = []
  const sequences: boolean[] = []
  let f: Frame | null = v.frame
  const stop = next?.column ?? 0
  // A sequence at its key's column (`k:\n- 1`) pushes no indentation in go-yaml: it ends with its
  // map's next key, at that same column.
  const indentless = (g: Frame): boolean => !g.map && g.parent !== null && column(g) === column(g.parent)
  for (
    ;
    f !== null &&
    f.parent !== null &&
    (column(f) > stop || (indentless(f) && column(f) === stop && goesOn !== f));
    f = f.parent
  ) {
    closing.push(column(f))
    sequences.push(!f.map)
  }
  // A sequence goes on only with its next item (the run's feet go after that item).
  if (f === null || column(f) !== stop || (!f.map && next === null)) return null
  // A top-level `...` (no frame) ends the document as a key at column 0 would end the value's maps.
  if (next !== null && goesOn !== f && goesOn !== null) return null
  const last = run[run.length - 1] as { offset: number }
  const finalBreak = next === null && lines.breakAfter(last.offset)
  const endColumn = lines.lineLength(last.offset)
  const empty = v.empty === true
  const nextItem = !f.map
  const found = gapCloses({
    valueLine,
    empty,
    comments,
    closing,
    sequences,
    nextItem,
    next,
    finalBreak,
    endColumn,
  })
  // An empty list item (`-`) has no token to take a foot: what would be its foot goes to the end
  // of the list (its key's foot in the enclosing map).
  const emptyItem = empty && v.frame !== null && !v.frame.map && closing.length > 0
  const closes = emptyItem ? (found?.map((c) => (c === 0 ? 1 : c)) ?? null) : found
  // When no map ends the reader's placement stands, but for what go-yaml drops.
  if (closes === null || (closing.length === 0 && !closes.includes(DROP))) return null
  return { closes, ending: closing.length + (next === null ? 1 : 0), skip, own: v.own ?? 0 }
}

// --- moving them in the branch -----------------------------------------------------------------

type Event =
  | { readonly t: "open"; readonly list: boolean }
  | { readonly t: "close"; readonly empty: boolean }
  | { readonly t: "key"; readonly key: string }
  | { readonly t: "leaf"; readonly node: TreeNode }
  | { readonly t: "comment"; readonly item: CommentItem }

function relocate(branch: Branch, placements: readonly Placement[], texts: readonly string[]): Branch {
  const events: Event[] = []
  const at: number[] = []
  flatten(branch, events, at)
  if (at.length !== texts.length) give()
  for (const [i, idx] of at.entries()) {
    const e = events[idx]
    if (e?.t !== "comment" || e.item.text !== texts[i]) give()
  }
  let out = events
  // Last run first: indexes of earlier runs stay valid.
  for (const p of [...placements].reverse()) out = move(out, p, at)
  return rebuild(out)
}

function move(events: Event[], p: Placement, at: readonly number[]): Event[] {
  const firstAt = at[p.first] ?? give()
  const mine = new Set(p.closes.map((_, k) => at[p.first + k]))
  let start = firstAt
  while (start > 0 && events[start - 1]?.t === "close" && !(events[start - 1] as { empty: boolean }).empty)
    start--
  // The walk back ends at the value: a flow value's own closes come first, and stay.
  for (let k = 0; k < p.own; k++) {
    if (start >= firstAt || events[start]?.t !== "close") give()
    start++
  }
  const region: Event[] = []
  let end = start
  let closes = 0
  for (; end < events.length; end++) {
    const e = events[end] as Event
    if (e.t === "close") closes++
    else if (!(e.t === "comment" && mine.has(end))) break
    region.push(e)
  }
  const moved = region.filter((e) => e.t === "comment")
  if (moved.length !== p.closes.length || closes < p.ending) give()
  const placed: Event[] = []
  // Feet of a sequence's next item (closes one past the run's): after that item, a scalar.
  const after: Event[] = []
  let shut = 0
  const closeEvent: Event = { t: "close", empty: false }
  for (const [k, c] of moved.entries()) {
    const to = p.closes[k] ?? 0
    if (to === DROP) continue
    if (to > p.ending) {
      after.push(c)
      continue
    }
    for (; shut < to; shut++) placed.push(closeEvent)
    placed.push(c)
  }
  for (; shut < closes; shut++) placed.push(closeEvent)
  if (after.length === 0) return [...events.slice(0, start), ...placed, ...events.slice(end)]
  // go-yaml hands them to the item's first token: they are its foot, after a scalar item; in a map
  // item after its first key's value; in a list item, the same for its first item.
  let first = end
  for (let e = events[first]; e?.t === "open" && e.list; e = events[first]) first++
  const item = events[first]
  let past: number
  if (item?.t === "leaf") past = first + 1
  else if (item?.t === "open" && events[first + 1]?.t === "key") past = pastNode(events, first + 2)
  else return give()
  return [...events.slice(0, start), ...placed, ...events.slice(end, past), ...after, ...events.slice(past)]
}

/** The index just past the scalar or collection whose events start at `i` (give() for anything else). */
function pastNode(events: readonly Event[], i: number): number {
  const first = events[i]
  if (first?.t === "leaf") return i + 1
  if (first?.t !== "open") return give()
  for (let depth = 0; i < events.length; i++) {
    const e = events[i] as Event
    if (e.t === "open") depth++
    else if (e.t === "close" && --depth === 0) return i + 1
  }
  return give()
}

function flatten(node: TreeNode, out: Event[], at: number[]): void {
  if (node.kind === "scalar") return void out.push({ t: "leaf", node })
  out.push({ t: "open", list: node.kind === "list" })
  for (const it of node.items as readonly (MapItem | ListItem)[]) {
    if (it.kind === "comment") {
      at.push(out.length)
      out.push({ t: "comment", item: it })
    } else if (it.kind === "entry") {
      out.push({ t: "key", key: it.key })
      flatten(it.value, out, at)
    } else flatten(it, out, at)
  }
  out.push({ t: "close", empty: node.items.length === 0 })
}

function rebuild(events: readonly Event[]): Branch {
  const open: { list: boolean; items: (MapItem | ListItem)[]; key: string }[] = []
  let root: TreeNode | null = null
  const add = (n: TreeNode): void => {
    const top = open[open.length - 1]
    if (top === undefined) root = n
    else if (top.list) top.items.push(n)
    else top.items.push({ kind: "entry", key: top.key, value: n })
  }
  for (const e of events) {
    if (e.t === "open") open.push({ list: e.list, items: [], key: "" })
    else if (e.t === "key") (open[open.length - 1] ?? give()).key = e.key
    else if (e.t === "leaf") add(e.node)
    else if (e.t === "comment") (open[open.length - 1] ?? give()).items.push(e.item)
    else {
      const done = open.pop() ?? give()
      add(
        done.list
          ? { kind: "list", items: done.items as ListItem[] }
          : { kind: "map", items: done.items as MapItem[] },
      )
    }
  }
  const r = root as TreeNode | null
  return r?.kind === "map" ? r : give()
}
