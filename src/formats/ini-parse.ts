import { FormatError } from "../errors.js"
import { comment, entry, map, str, type Branch, type MapItem } from "../tree/node.js"
import { goTrim, goTrimStart, readKeyName } from "./ini-key.js"

interface Key {
  readonly name: string
  value: string
  /** go-ini's Key.Comment: the comment lines and inline comment read for it, trimmed */
  comment: string
}

interface Section {
  readonly name: string
  comment: string
  readonly keys: Key[]
}

/**
 * INI with go-ini's rules as sops 3.13.2 uses them (non-unique sections allowed, spec §6.6):
 * sections (an implicit `DEFAULT` first; a repeated `[name]` is a section of its own),
 * `key = value` or `key: value`, `"""…"""`, backtick and quoted values.
 * Comments as go-ini collects them: comment lines, then an inline `#`/`;` comment cut from a
 * plain value (or after a section's `]`, or after a multi-line fence), become the comment of the
 * next key or section header; a repeated key takes the new value and comment in its first place.
 * sops keeps a key's comment after it and a section's first, with the first line's markers
 * stripped (stripCommentChar) and the other lines as written.
 * Names are read as go-ini reads them (see readKeyName); `-` is its auto-numbered key `#n`.
 */
export function parseIni(text: string, source: string): Branch {
  const raw = text.split("\n")
  const lines = raw.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
  const sections: Section[] = [{ name: "DEFAULT", comment: "", keys: [] }]
  let current = sections[0] as Section
  // go-ini's comment buffer: whole comment lines with their line breaks, inline comments without.
  let pending = ""
  let autoNumber = 1
  for (let i = 0; i < lines.length; i++) {
    const line = goTrimStart(lines[i] ?? "")
    if (line === "") continue
    if (line.startsWith(";") || line.startsWith("#")) {
      pending += goTrimStart(raw[i] ?? "") + (i < raw.length - 1 ? "\n" : "")
      continue
    }
    if (line.startsWith("[")) {
      // go-ini: up to the last "]", untrimmed; a comment may follow it.
      const end = line.lastIndexOf("]")
      if (end === -1) throw new FormatError(source, i + 1, "unclosed section header")
      const name = line.slice(1, end)
      if (name === "") throw new FormatError(source, i + 1, "empty section name")
      // sops loads with AllowNonUniqueSections: a repeated header (DEFAULT too) is a new section.
      current = { name, comment: goTrim(pending + inlineComment(line.slice(end + 1))), keys: [] }
      sections.push(current)
      autoNumber = 1
      pending = ""
      continue
    }
    const named = readKeyName(line, source, i + 1)
    const key = named.key === "-" ? `#${String(autoNumber++)}` : named.key
    const read = readValue(named.rest, raw, i, source)
    i = read.lastLine
    const commentText = goTrim(pending + read.comment)
    pending = ""
    const existing = current.keys.find((k) => k.name === key)
    if (existing === undefined) current.keys.push({ name: key, value: read.value, comment: commentText })
    else {
      existing.value = read.value
      existing.comment = commentText
    }
  }
  return map(sections.map((s) => entry(s.name, map(sectionItems(s)))))
}

/** The section as sops' treeItemFromSection puts it in the tree. */
function sectionItems(s: Section): MapItem[] {
  const items: MapItem[] = []
  if (s.comment !== "") items.push(comment(stripCommentChar(s.comment)))
  for (const k of s.keys) {
    items.push(entry(k.name, str(k.value)))
    if (k.comment !== "") items.push(comment(stripCommentChar(k.comment)))
  }
  return items
}

/** sops' stripCommentChar: only the first line loses its leading markers and spaces. */
function stripCommentChar(text: string): string {
  if (text.startsWith(";")) return text.replace(/^[; ]+/, "")
  if (text.startsWith("#")) return text.replace(/^[# ]+/, "")
  return text
}

/** go-ini's cleanComment: from the first `#` or `;` on, or "" when there is none. */
function inlineComment(rest: string): string {
  const at = rest.search(/[#;]/)
  return at === -1 ? "" : rest.slice(at)
}

interface Read {
  value: string
  lastLine: number
  /** an inline comment go-ini adds to the comment buffer */
  comment: string
}

/**
 * go-ini's readValue with sops' options: a `"""` or backquote fence closes at its last
 * occurrence on a line (and may span lines); otherwise a trailing `\` continues the value on
 * the next lines, an inline `#`/`;` comment is cut (and kept as the key's comment), and then one
 * pair of surrounding `"` or `'` is dropped when the quote occurs nowhere else.
 */
function readValue(rest: string, raw: readonly string[], at: number, source: string): Read {
  const first = goTrimStart(rest)
  if (first === "") return { value: "", lastLine: at, comment: "" }
  // go-ini looks at the line with its line break: `"""` alone opens a fence only before one.
  const broken = at < raw.length - 1
  const fence =
    first.startsWith('"""') && (first.length > 3 || broken) ? '"""' : first.startsWith("`") ? "`" : ""
  // A fenced value keeps the lines' carriage returns as go-ini (and so sops 3.13.2) reads them:
  // `"""a\r\nb\r\n"""` is the value "a\r\nb\r\n".
  const cr = raw[at]?.endsWith("\r") === true ? "\r" : ""
  if (fence !== "") return readFenced(first.slice(fence.length) + cr, fence, raw, at, source)
  const line = goTrim(first)
  if (line.endsWith("\\")) return readContinued(line.slice(0, -1), raw, at)
  const cut = line.search(/[#;]/)
  const value = cut === -1 ? line : goTrim(line.slice(0, cut))
  const comment = cut === -1 ? "" : line.slice(cut)
  for (const q of ['"', "'"]) {
    if (value.length >= 2 && value.startsWith(q) && value.indexOf(q, 1) === value.length - 1)
      return { value: value.slice(1, -1), lastLine: at, comment }
  }
  return { value, lastLine: at, comment }
}

function readFenced(rest: string, fence: string, raw: readonly string[], at: number, source: string): Read {
  // Closed on its own line: go-ini looks for no comment after it.
  const close = rest.lastIndexOf(fence)
  if (close !== -1) return { value: rest.slice(0, close), lastLine: at, comment: "" }
  const parts = [rest]
  for (let j = at + 1; j < raw.length; j++) {
    const l = raw[j] ?? ""
    const end = l.lastIndexOf(fence)
    // go-ini 1.67.3: a `\` after the closing fence continues the value (the fence included).
    if (end !== -1 && !goTrim(l.slice(end + fence.length)).endsWith("\\")) {
      parts.push(l.slice(0, end))
      return { value: parts.join("\n"), lastLine: j, comment: goTrim(inlineComment(l.slice(end))) }
    }
    parts.push(l)
  }
  throw new FormatError(source, at + 1, `unterminated ${fence} value`)
}

/** A value ending in `\\` goes on over the next non-empty lines, each trimmed, until one does not. */
function readContinued(head: string, lines: readonly string[], at: number): Read {
  let value = head
  let j = at + 1
  for (; j < lines.length; j++) {
    const next = goTrim(lines[j] ?? "")
    if (next === "") break
    if (!next.endsWith("\\")) return { value: value + next, lastLine: j, comment: "" }
    value += next.slice(0, -1)
  }
  return { value, lastLine: Math.min(j, lines.length - 1), comment: "" }
}
