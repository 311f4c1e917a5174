import { FormatError } from "../errors.js"
import { comment, entry, map, str, type Branch, type MapItem } from "../tree/node.js"

/**
 * INI with go-ini's rules as sops uses them (spec §6.6): sections (an implicit `DEFAULT` first),
 * `key = value` or `key: value`, `"""…"""`, backtick and quoted values, inline `#`/`;`
 * comments dropped from plain values; comment lines belong to the next key (sops puts them
 * after that key) or the next section header (sops makes them the section's first item).
 */
export function parseIni(text: string, source: string): Branch {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
  const sections: { name: string; items: MapItem[] }[] = [{ name: "DEFAULT", items: [] }]
  let current = sections[0] as { name: string; items: MapItem[] }
  let pending: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? ""
    const line = raw.trim()
    if (line === "") continue
    if (line.startsWith(";") || line.startsWith("#")) {
      pending.push(line.replace(/^[;#]+\s*/, ""))
      continue
    }
    if (line.startsWith("[")) {
      const end = line.indexOf("]")
      if (end === -1) throw new FormatError(source, i + 1, "unclosed section header")
      const name = line.slice(1, end).trim()
      let section = sections.find((s) => s.name === name)
      if (section === undefined) {
        section = { name, items: [] }
        sections.push(section)
      }
      current = section
      if (pending.length > 0) current.items.unshift(comment(pending.join("\n")))
      pending = []
      continue
    }
    const delim = line.search(/[=:]/)
    if (delim <= 0) throw new FormatError(source, i + 1, 'key-value delimiter "=" not found')
    const key = unquoteKey(line.slice(0, delim).trim())
    const read = readValue(line.slice(delim + 1).trim(), lines, i, source)
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

function unquoteKey(k: string): string {
  if (k.length >= 2 && ((k.startsWith("`") && k.endsWith("`")) || (k.startsWith('"') && k.endsWith('"'))))
    return k.slice(1, -1)
  return k
}

function readValue(
  first: string,
  lines: readonly string[],
  at: number,
  source: string,
): { value: string; lastLine: number } {
  for (const fence of ['"""', "`"]) {
    if (!first.startsWith(fence)) continue
    const rest = first.slice(fence.length)
    const close = rest.indexOf(fence)
    if (close !== -1) return { value: rest.slice(0, close), lastLine: at }
    const parts = [rest]
    for (let j = at + 1; j < lines.length; j++) {
      const l = lines[j] ?? ""
      const end = l.indexOf(fence)
      if (end !== -1) {
        parts.push(l.slice(0, end))
        return { value: parts.join("\n"), lastLine: j }
      }
      parts.push(l)
    }
    throw new FormatError(source, at + 1, `unterminated ${fence} value`)
  }
  for (const q of ['"', "'"]) {
    if (first.length >= 2 && first.startsWith(q) && first.endsWith(q))
      return { value: first.slice(1, -1), lastLine: at }
  }
  const cut = first.search(/[#;]/)
  return { value: (cut === -1 ? first : first.slice(0, cut)).trim(), lastLine: at }
}
