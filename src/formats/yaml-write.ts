import type { Branch, ListItem, MapItem, Scalar, TreeNode } from "../tree/node.js"
import { formatYamlFloat, resolvePlain } from "./yaml-scalar.js"

/**
 * A YAML writer that reproduces go-yaml v3's encoder as sops configures it (indent 4): block
 * style, sequences indented under their key, `- ` items whose maps continue two columns in,
 * go-yaml's choice of plain / single / double quotes and literal blocks, no line folding.
 */
export function writeYaml(branches: readonly Branch[], best = 4): string {
  return branches.map((b) => writeRoot(b, best)).join("---\n")
}

function writeRoot(branch: Branch, best: number): string {
  const out: string[] = []
  if (branch.items.length === 0) return "{}\n"
  writeMapItems(branch.items, 0, { out, best }, null)
  return out.join("")
}

/** go-yaml's "everything else aligns to the chosen indentation". */
export const nextIndent = (indent: number, best: number): number => best * Math.floor((indent + best) / best)

/** Where a block is being written. */
interface Ctx {
  readonly out: string[]
  readonly best: number
}

/**
 * Writes map items at column `indent`. `first` is the text already on the current line
 * (a sequence item's "- "), so the first entry continues that line.
 */
function writeMapItems(items: readonly MapItem[], indent: number, ctx: Ctx, first: string | null): void {
  let lead = first
  const pad = " ".repeat(indent)
  let pendingInline: string[] = []
  for (const [i, item] of items.entries()) {
    if (item.kind === "comment") {
      const next = items[i + 1]
      // A line comment stays on its value's line, as sops writes it while it is not opened (unseal
      // drops the flag of a comment it opens: sops writes those above their entry).
      if (item.inline === true && next?.kind === "entry" && next.value.kind === "scalar") {
        pendingInline.push(item.text)
        continue
      }
      ctx.out.push(commentBlock(lead ?? pad, pad, item.text))
      lead = null
      continue
    }
    const prefix = lead ?? pad
    lead = null
    const start = ctx.out.length
    if (complexKey(item.key)) writeComplexEntry(prefix, item.key, item.value, indent, ctx)
    else writeValue(`${prefix}${keyText(item.key)}:`, item.value, indent, ctx, false)
    if (pendingInline.length > 0 && ctx.out.length === start + 1) {
      ctx.out[start] = (ctx.out[start] ?? "").replace(/\n$/, () => ` #${pendingInline.join(" #")}\n`) // a function: `$&` in a comment is text
    } else if (pendingInline.length > 0) {
      // A block scalar spans lines: keep the comment, above the entry.
      ctx.out.splice(start, 0, ...pendingInline.map((t) => `${pad}#${t}\n`))
    }
    pendingInline = []
  }
}

/**
 * go-yaml writes a key as a simple key (`key: value`) only when it is one line of at most 128
 * bytes; else in the complex form, `? key` then `: value` (check_simple_key).
 */
function complexKey(key: string): boolean {
  return /[\n\r\x85\u2028\u2029]/.test(key) || Buffer.byteLength(key) > 128
}

/**
 * `? key` (a literal block when the key has line breaks) and `: value` below it; a map or list
 * value starts on the `:` line at its own column (sops 3.13.2: `? k…\n:   b: 1`).
 */
function writeComplexEntry(prefix: string, key: string, value: TreeNode, indent: number, ctx: Ctx): void {
  writeScalar(ctx.out, `${prefix}?`, { kind: "string", value: key }, indent, ctx.best, false)
  const pad = " ".repeat(indent)
  const inner = nextIndent(indent, ctx.best)
  const lead = `${pad}:${" ".repeat(inner - indent - 1)}`
  const block = value.kind !== "scalar" && value.items.some((it) => it.kind !== "comment")
  if (block && value.kind === "map") writeMapItems(value.items, inner, ctx, lead)
  else if (block && value.kind === "list") writeListItems(value.items, inner, ctx, lead)
  else writeValue(`${pad}:`, value, indent, ctx, false)
}

function writeListItems(items: readonly ListItem[], indent: number, ctx: Ctx, first: string | null): void {
  let lead = first
  const pad = " ".repeat(indent)
  for (const item of items) {
    const prefix = lead ?? pad
    lead = null
    if (item.kind === "comment") {
      ctx.out.push(commentBlock(prefix, pad, item.text))
      continue
    }
    const childIndent = indent + 2
    if (item.kind === "list" && item.items.length > 0 && item.items.every((it) => it.kind === "comment")) {
      // A list item left with comments only: go-yaml writes them above its `- []` (sops 3.13.3).
      for (const [k, it] of item.items.entries())
        if (it.kind === "comment") ctx.out.push(commentBlock(k === 0 ? prefix : pad, pad, it.text))
      ctx.out.push(`${pad}- []\n`)
      continue
    }
    if (item.kind === "map" && item.items.length > 0)
      writeMapItems(item.items, childIndent, ctx, `${prefix}- `)
    else if (item.kind === "list" && item.items.length > 0)
      writeListItems(item.items, childIndent, ctx, `${prefix}- `)
    else writeValue(`${prefix}-`, item, indent, ctx, true)
  }
}

/**
 * A comment item as go-yaml writes the head comment sops gives it: `#` and the first line, then
 * each further line (an INI comment can have several) at the same column, with `# ` before it
 * unless it starts with `#`.
 */
function commentBlock(first: string, pad: string, text: string): string {
  const [head, ...rest] = text.split("\n")
  return `${first}#${head ?? ""}\n${rest.map((l) => `${pad}${l.startsWith("#") ? "" : "# "}${l}\n`).join("")}`
}

/** `head` is "key:" or "-"; the value follows on the same line or as a block below. */
function writeValue(head: string, value: TreeNode, indent: number, ctx: Ctx, inSeq: boolean): void {
  const { out, best } = ctx
  if (value.kind === "map") {
    if (value.items.length === 0) return void out.push(`${head} {}\n`)
    if (value.items.every((it) => it.kind === "comment")) {
      // Comments alone (`unset` took the last key): go-yaml writes an empty flow map around them,
      // its `}` at column 0 (sops 3.13.2: `a: {\n    # c\n}`); block lines would read back as null.
      const pad = " ".repeat(nextIndent(indent, best))
      out.push(`${head} {\n`)
      for (const it of value.items) if (it.kind === "comment") out.push(commentBlock(pad, pad, it.text))
      return void out.push("}\n")
    }
    out.push(`${head}\n`)
    writeMapItems(value.items, nextIndent(indent, best), ctx, null)
    return
  }
  if (value.kind === "list") {
    if (value.items.length === 0) return void out.push(`${head} []\n`)
    if (value.items.every((it) => it.kind === "comment")) {
      // Comments alone (a list whose last value was unset, `a: [] # e` as sops reads it): go-yaml
      // writes an empty flow list and the comments after it at the entry's column (sops 3.13.3:
      // `a: []\n# e`); block lines below would read back as null.
      out.push(`${head} []\n`)
      const pad = " ".repeat(indent)
      for (const it of value.items) if (it.kind === "comment") out.push(commentBlock(pad, pad, it.text))
      return
    }
    out.push(`${head}\n`)
    writeListItems(value.items, nextIndent(indent, best), ctx, null)
    return
  }
  writeScalar(out, head, value.value, indent, best, inSeq)
}

/** An entry's key as go-yaml writes it. */
export function keyText(key: string): string {
  // sops (go-yaml) writes the key "<<" with its merge tag, quoted or not in the input.
  return key === "<<" ? "!!merge <<" : scalarText({ kind: "string", value: key }, true)
}

/** `head` and a scalar: on one line, or a literal block below it (lines pushed to `out`). */
export function writeScalar(
  out: string[],
  head: string,
  v: Scalar,
  indent: number,
  best: number,
  inSeq: boolean,
): void {
  const contentIndent = inSeq ? indent + 2 : nextIndent(indent, best)
  if (v.kind === "string" && v.value.includes("\n") && literalAllowed(v.value)) {
    out.push(`${head} ${literalHeader(v.value, best)}\n`)
    const body = v.value.endsWith("\n") ? v.value.replace(/\n+$/, (m) => m.slice(1)) : v.value
    for (const line of body.split("\n"))
      out.push(line === "" ? "\n" : `${" ".repeat(contentIndent)}${indentAfterBreaks(line, contentIndent)}\n`)
    return
  }
  out.push(`${head} ${scalarText(v, false, contentIndent)}\n`)
}

/**
 * go-yaml writes U+2028 and U+2029 (line breaks to it) as they are in literal and single-quoted
 * scalars, and indents the text that follows them to the scalar's indentation.
 */
function indentAfterBreaks(s: string, indent: number): string {
  return s.replace(/[\u2028\u2029]+(?=[^\u2028\u2029])/g, (m) => m + " ".repeat(indent))
}

function literalHeader(s: string, best: number): string {
  const indicator = s.startsWith(" ") || s.startsWith("\n") ? String(best) : ""
  const chomp = !s.endsWith("\n") ? "-" : s.endsWith("\n\n") || s === "\n" ? "+" : ""
  return `|${indicator}${chomp}`
}

function literalAllowed(s: string): boolean {
  // go-yaml falls back to double quotes for a space before a break, a trailing space and any
  // character it does not print as it is; a tab it prints in a literal block, but not at its
  // very start (sops 3.13.2 then writes `null`, losing the value: double quotes keep it).
  return (
    !/ [\n\u2028\u2029]|^\t|[^\t\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]/u.test(s) && !/ $/.test(s)
  )
}

/** `indent`: where a single-quoted value's text goes on after a U+2028 or U+2029 (see writeScalar). */
export function scalarText(v: Scalar, isKey: boolean, indent = 0): string {
  switch (v.kind) {
    case "null":
      return "null"
    case "bool":
      return v.value ? "true" : "false"
    case "int":
      return v.value.toString()
    case "float":
      return formatYamlFloat(v.value)
    case "time":
      return v.value
    case "bytes":
      return quoteDouble(new TextDecoder().decode(v.value))
    case "string":
      return stringText(v.value, isKey, indent)
  }
}

const OLD_BOOLS = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
])
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/

function stringText(s: string, isKey: boolean, indent: number): string {
  if (s.includes("\n")) return quoteDouble(s)
  const resolved = resolvePlain(s)
  const looksOther =
    resolved === "overflow" || resolved.kind !== "string" || OLD_BOOLS.has(s) || BASE60.test(s)
  if (looksOther) return quoteDouble(s)
  // go-yaml resolves a plain << to its merge tag and writes the tag (sops: `a: !!merge <<`).
  if (s === "<<" && !isKey) return "!!merge <<"
  if (plainAllowed(s)) return s
  if (singleAllowed(s)) return `'${indentAfterBreaks(s.replaceAll("'", "''"), indent)}'`
  return quoteDouble(s)
}

/**
 * What go-yaml does not print as it is (is_printable): anything but printable ASCII, U+00A0 to
 * U+D7FF and U+E000 to U+FFFD without the byte-order mark; so also tab, NEL, C1 controls and
 * every character beyond the BMP. Such a string is double-quoted, the character escaped.
 */
const SPECIAL = /[^\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]/u

function plainAllowed(s: string): boolean {
  if (s === "" || s.startsWith("---") || s.startsWith("...")) return false
  if (SPECIAL.test(s) || BREAKS.test(s) || s.startsWith(" ") || s.endsWith(" ")) return false
  const c = s[0] ?? ""
  if ("#,[]{}&*!|>'\"%@`".includes(c)) return false
  if ((c === "-" || c === "?" || c === ":") && (s.length === 1 || s[1] === " ")) return false
  if (/: |:$/.test(s) || / #/.test(s)) return false
  return true
}

/** U+2028 and U+2029: line breaks to go-yaml, which writes no plain scalar with one. */
const BREAKS = /[\u2028\u2029]/

function singleAllowed(s: string): boolean {
  // A space next to such a break leaves only double quotes (go-yaml's space_break, break_space).
  return !SPECIAL.test(s) && !/ [\u2028\u2029]|[\u2028\u2029] /.test(s)
}

/** go-yaml's short escapes in a double-quoted scalar. */
const ESCAPES: Readonly<Record<string, string>> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\x85": "\\N",
  "\xa0": "\\_",
  "\u2028": "\\L",
  "\u2029": "\\P",
}

/**
 * A double-quoted scalar as go-yaml writes it: quotes, backslashes, line breaks and what it does
 * not print escaped (short forms, else \xXX, \uXXXX, \UXXXXXXXX). go-yaml's byte-order-mark
 * test looks at the value's first bytes whatever the position: after a leading U+FEFF every
 * character is escaped (sops writes "\uFEFF\x61" for U+FEFF "a").
 */
function quoteDouble(s: string): string {
  const all = s.startsWith("\ufeff")
  let out = '"'
  for (const ch of s) {
    if (all || SPECIAL.test(ch) || BREAK_OR_QUOTE.test(ch))
      out += ESCAPES[ch] ?? hexEscape(ch.codePointAt(0) ?? 0)
    else out += ch
  }
  return out + '"'
}

const BREAK_OR_QUOTE = /["\\\n\u2028\u2029]/

function hexEscape(code: number): string {
  const hex = code.toString(16).toUpperCase()
  if (code <= 0xff) return `\\x${hex.padStart(2, "0")}`
  if (code <= 0xffff) return `\\u${hex.padStart(4, "0")}`
  return `\\U${hex.padStart(8, "0")}`
}
