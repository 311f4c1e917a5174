import { FormatError } from "../errors.js"
import { comment, entry, map, str, type Branch, type MapItem } from "../tree/node.js"
import { goTrim, goTrimStart, readKeyName } from "./ini-key.js"

/**
 * INI with go-ini's rules as sops uses them (spec §6.6): sections (an implicit `DEFAULT` first),
 * `key = value` or `key: value`, `"""…"""`, backtick and quoted values, inline `#`/`;`
 * comments dropped from plain values; comment lines belong to the next key (sops puts them
 * after that key) or the next section header (sops makes them the section's first item).
 * Names are read as go-ini reads them (see readKeyName); `-` is its auto-numbered key `#n`.
 */
export function parseIni(text: string, source: string): Branch {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
  const sections: { name: string; items: MapItem[] }[] = [{ name: "DEFAULT", items: [] }]
  let current = sections[0] as { name: string; items: MapItem[] }
  let pending: string[] = []
  let autoNumber = 1
  for (let i = 0; i < lines.length; i++) {
    const line = goTrimStart(lines[i] ?? "")
    if (line === "") continue
    if (line.startsWith(";") || line.startsWith("#")) {
      pending.push(goTrim(line).replace(/^[;#]+\s*/, ""))
      continue
    }
    if (line.startsWith("[")) {
      // go-ini: up to the last "]", untrimmed.
      const end = line.lastIndexOf("]")
      if (end === -1) throw new FormatError(source, i + 1, "unclosed section header")
      const name = line.slice(1, end)
      if (name === "") throw new FormatError(source, i + 1, "empty section name")
      let section = sections.find((s) => s.name === name)
      if (section === undefined) {
        section = { name, items: [] }
        sections.push(section)
      }
      current = section
      autoNumber = 1
      if (pending.length > 0) current.items.unshift(comment(pending.join("\n")))
      pending = []
      continue
    }
    const named = readKeyName(line, source, i + 1)
    const key = named.key === "-" ? `#${String(autoNumber++)}` : named.key
    const read = readValue(named.rest, lines, i, source)
    i = read.lastLine
    const existing = current.items.findIndex((it) => it.kind === "entry" && it.key === key)
    const item = entry(key, str(read.value))
    if (existing === -1) current.items.push(item)
    else current.items[existing] = item
    if (pending.length > 0) current.items.push(comment(pending.join("\n")))
    pending = []
  }
  return map(sections.map((s) => entry(s.name, map(s.items))))
}

/**
 * go-ini's readValue with sops' options: a `"""` or backquote fence closes at its last
 * occurrence on a line (and may span lines); otherwise a trailing `\` continues the value on
 * the next lines, an inline `#`/`;` comment is cut, and then one pair of surrounding `"` or `'`
 * is dropped when the quote occurs nowhere else.
 */
function readValue(
  rest: string,
  lines: readonly string[],
  at: number,
  source: string,
): { value: string; lastLine: number } {
  const first = goTrimStart(rest)
  if (first === "") return { value: "", lastLine: at }
  // go-ini looks at the line with its line break: `"""` alone opens a fence only before one.
  const broken = at < lines.length - 1
  const fence =
    first.startsWith('"""') && (first.length > 3 || broken) ? '"""' : first.startsWith("`") ? "`" : ""
  if (fence !== "") return readFenced(first.slice(fence.length), fence, lines, at, source)
  const line = goTrim(first)
  if (line.endsWith("\\")) return readContinued(line.slice(0, -1), lines, at)
  const cut = line.search(/[#;]/)
  const value = cut === -1 ? line : goTrim(line.slice(0, cut))
  for (const q of ['"', "'"]) {
    if (value.length >= 2 && value.startsWith(q) && value.indexOf(q, 1) === value.length - 1)
      return { value: value.slice(1, -1), lastLine: at }
  }
  return { value, lastLine: at }
}

function readFenced(
  rest: string,
  fence: string,
  lines: readonly string[],
  at: number,
  source: string,
): { value: string; lastLine: number } {
  const close = rest.lastIndexOf(fence)
  if (close !== -1) return { value: rest.slice(0, close), lastLine: at }
  const parts = [rest]
  for (let j = at + 1; j < lines.length; j++) {
    const l = lines[j] ?? ""
    const end = l.lastIndexOf(fence)
    // go-ini 1.67.3: a `\` after the closing fence continues the value (the fence included).
    if (end !== -1 && !goTrim(l.slice(end + fence.length)).endsWith("\\")) {
      parts.push(l.slice(0, end))
      return { value: parts.join("\n"), lastLine: j }
    }
    parts.push(l)
  }
  throw new FormatError(source, at + 1, `unterminated ${fence} value`)
}

/** A value ending in `\\` goes on over the next non-empty lines, each trimmed, until one does not. */
function readContinued(
  head: string,
  lines: readonly string[],
  at: number,
): { value: string; lastLine: number } {
  let value = head
  let j = at + 1
  for (; j < lines.length; j++) {
    const next = goTrim(lines[j] ?? "")
    if (next === "") break
    if (!next.endsWith("\\")) return { value: value + next, lastLine: j }
    value += next.slice(0, -1)
  }
  return { value, lastLine: Math.min(j, lines.length - 1) }
}
