import { FormatError } from "../errors.js"
import type { Branch, MapNode } from "../tree/node.js"
import { scalarText } from "../tree/scalar-text.js"
import { goTrim, unreadableSectionName, writeKeyName } from "./ini-key.js"

interface Key {
  /** as written: quoted where go-ini quotes it */
  name: string
  value: string
  comment: string
}

/**
 * Writes sections the way sops' encodeTree and go-ini's `WriteTo` do: every section entry is a
 * section of its own (a repeated name too); a leading comment item is the section's comment and
 * a comment item after a key that key's (the last one wins; both are written above), a repeated
 * key keeps its first place and takes the last value; `=` aligned per section; a blank line
 * between sections; a first section named DEFAULT (any case) has no header, and is left out
 * when it has no keys (its comment is still written).
 * @throws FormatError (FORMAT) for a section or key name sops could not read back
 */
export function emitIni(branch: Branch | undefined): string {
  const sections: { name: string; comment: string; keys: Key[] }[] = []
  for (const it of branch?.items ?? []) {
    if (it.kind !== "entry") continue
    if (it.value.kind !== "map")
      throw new FormatError("ini", undefined, `value ${it.key} must be a section (a mapping of values)`)
    const why = unreadableSectionName(it.key)
    if (why !== null)
      throw new FormatError("ini", undefined, `section ${String(sections.length + 1)}: cannot write ${why}`)
    sections.push({ name: it.key, ...collect(it.key, it.value) })
  }
  let out = ""
  sections.forEach(({ name, comment, keys }, i) => {
    out += commentLines(comment, false)
    if (i > 0 || name.toUpperCase() !== "DEFAULT") out += `[${name}]\n`
    else if (keys.length === 0) return
    out += keyLines(keys)
    if (i < sections.length - 1) out += "\n"
  })
  return out
}

function collect(name: string, node: MapNode): { comment: string; keys: Key[] } {
  let sectionComment = ""
  const keys: Key[] = []
  const byName = new Map<string, Key>()
  let last: Key | undefined
  node.items.forEach((it, i) => {
    if (it.kind === "comment") {
      // sops: only a first item can be the section's comment; one before any key is lost.
      if (i === 0) sectionComment = it.text
      else if (last !== undefined) last.comment = it.text
      return
    }
    if (it.value.kind !== "scalar")
      throw new FormatError("ini", undefined, `value ${name}.${it.key} must be a plain value`)
    const value = scalarText(it.value.value)
    last = byName.get(it.key)
    if (last !== undefined) {
      last.value = value
      return
    }
    last = { name: writeKeyName(it.key, name, keys.length + 1), value, comment: "" }
    byName.set(it.key, last)
    keys.push(last)
  })
  return { comment: sectionComment, keys }
}

function keyLines(keys: readonly Key[]): string {
  // go-ini aligns "=" by byte length, so a multi-byte name gets fewer spaces than its characters.
  const width = Math.max(0, ...keys.map((k) => bytes(k.name)))
  let out = ""
  for (const k of keys) {
    out += commentLines(k.comment, true)
    out += `${k.name}${" ".repeat(width - bytes(k.name))} = ${quoteValue(k.value)}\n`
  }
  return out
}

/**
 * go-ini's comment writer: nothing for an empty comment; each line keeps a leading `#` or `;`
 * followed by one space and the rest trimmed, others get `; ` (a key's line trimmed, a section's
 * not). go-ini panics on an empty line (sops then fails to write); it is written as `; ` here.
 */
function commentLines(text: string, isKey: boolean): string {
  if (text === "") return ""
  return text
    .split("\n")
    .map((l) => {
      if (l.startsWith(";") || l.startsWith("#")) return `${l.slice(0, 1)} ${goTrim(l.slice(1))}\n`
      return `; ${isKey ? goTrim(l) : l}\n`
    })
    .join("")
}

const utf8 = new TextEncoder()
const bytes = (s: string): number => utf8.encode(s).length

function quoteValue(v: string): string {
  if (/[\n`]/.test(v)) return `"""${v}"""`
  if (/[#;]/.test(v)) return "`" + v + "`"
  if (goTrim(v).length !== v.length) return `"${v}"`
  return v
}
