import { FormatError } from "../errors.js"

// Go's unicode.IsSpace: JavaScript's \s without U+FEFF, plus U+0085. go-ini trims with it, so a
// name or value keeps a U+FEFF that String.prototype.trim would drop, and loses a U+0085.
const SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
const LEADING = new RegExp(`^[${SPACE}]+`)
const TRAILING = new RegExp(`[${SPACE}]+$`)

/** strings.TrimLeftFunc(s, unicode.IsSpace) */
export const goTrimStart = (s: string): string => s.replace(LEADING, "")
/** strings.TrimSpace(s) */
export const goTrim = (s: string): string => goTrimStart(s).replace(TRAILING, "")

/**
 * go-ini's readKeyName: a name may be quoted with `"""`, `"` or a backquote; the delimiter
 * (`=` or `:`) is searched after the closing quote (anything between is dropped), and the name
 * inside is trimmed. `line` starts with no white space and is not a comment or section line.
 * @returns the name and the text after the delimiter
 * @throws FormatError (FORMAT) for an unclosed quote, no delimiter or an empty name
 */
export function readKeyName(line: string, source: string, lineNo: number): { key: string; rest: string } {
  // go-ini compares the line with its line break: a 6-character `"""…` line reads as `"`-quoted
  // there too, and either way no such short line holds a name and a delimiter.
  const quote =
    line.startsWith('"""') && line.length > 6 ? '"""' : line[0] === '"' || line[0] === "`" ? line[0] : ""
  if (quote !== "") {
    const close = line.indexOf(quote, quote.length)
    if (close === -1) throw new FormatError(source, lineNo, "missing closing key quote")
    const after = close + quote.length
    const delim = line.slice(after).search(/[=:]/)
    if (delim === -1) throw new FormatError(source, lineNo, 'key-value delimiter "=" not found')
    const key = goTrim(line.slice(quote.length, close))
    if (key === "") throw new FormatError(source, lineNo, "empty key name")
    return { key, rest: line.slice(after + delim + 1) }
  }
  const delim = line.search(/[=:]/)
  if (delim === -1) throw new FormatError(source, lineNo, 'key-value delimiter "=" not found')
  if (delim === 0) throw new FormatError(source, lineNo, "empty key name")
  return { key: goTrim(line.slice(0, delim)), rest: line.slice(delim + 1) }
}

/** go-ini's writer: backquotes for a name with `"`, `=` or `:`, else `"""` for one with a backquote. */
export function quoteKeyName(name: string): string {
  if (/["=:]/.test(name)) return "`" + name + "`"
  if (name.includes("`")) return `"""${name}"""`
  return name
}

/**
 * The reason go-ini (and so sops) would not read `name` back as written, or null when it would.
 * sops writes such a key without complaint and then cannot open its own file (exit 25 or 51).
 */
export function unreadableKeyName(name: string): string | null {
  if (name === "") return "an empty key name"
  if (/[\n]/.test(name)) return "a key name with a line break"
  if (goTrim(name) !== name) return "a key name that starts or ends with white space"
  if (name === "-") return 'the key name "-" (read back as an auto-numbered key)'
  const quoted = quoteKeyName(name)
  if (/^[#;[]/.test(quoted)) return "a key name starting with #, ; or [ (read back as a comment or section)"
  if (quoted.startsWith("`") && name.includes("`"))
    return 'a key name with a backquote and one of ", = or : (no quoting reads it back)'
  return null
}

/** A section name go-ini reads back from `[name]`, or the reason it does not. */
export function unreadableSectionName(name: string): string | null {
  if (name === "") return "an empty section name"
  if (name.includes("\n")) return "a section name with a line break"
  return null
}

/**
 * The key name as go-ini writes it. `index` counts the section's keys from 1; the key itself is
 * not named (it is the thing that cannot be written).
 * @throws FormatError (FORMAT) naming the key's position when sops could not read it back
 */
export function writeKeyName(name: string, section: string, index: number): string {
  const why = unreadableKeyName(name)
  if (why !== null)
    throw new FormatError(
      "ini",
      undefined,
      `section ${JSON.stringify(section)}, key ${String(index)}: cannot write ${why}`,
      {
        hint: "rename the key; sops would write it but could not open the file again",
      },
    )
  return quoteKeyName(name)
}
