import { FormatError } from "../errors.js"
import type { Branch, MapNode } from "../tree/node.js"
import { scalarText } from "../tree/scalar-text.js"
import { goTrim, unreadableSectionName, writeKeyName } from "./ini-key.js"

interface Key {
  /** as written: quoted where go-ini quotes it */
  name: string
  value: string
  comments: string[]
}

/**
 * Writes sections the way go-ini's `WriteTo` does for sops: a comment item after a key becomes
 * that key's comment (written above it), a leading one the section's; `=` aligned per section;
 * a blank line between sections; the implicit DEFAULT section has no header.
 * @throws FormatError (FORMAT) for a section or key name sops could not read back
 */
export function emitIni(branch: Branch | undefined): string {
  const blocks: string[] = []
  let index = 0
  for (const it of branch?.items ?? []) {
    if (it.kind !== "entry") continue
    index++
    if (it.value.kind !== "map")
      throw new FormatError("ini", undefined, `value ${it.key} must be a section (a mapping of values)`)
    const why = unreadableSectionName(it.key)
    if (why !== null) throw new FormatError("ini", undefined, `section ${String(index)}: cannot write ${why}`)
    const block = section(it.key, it.value)
    if (block !== "") blocks.push(block)
  }
  return blocks.join("\n")
}

function section(name: string, node: MapNode): string {
  const sectionComments: string[] = []
  const keys: Key[] = []
  for (const it of node.items) {
    if (it.kind === "comment") {
      const last = keys[keys.length - 1]
      if (last === undefined) sectionComments.push(it.text)
      else last.comments.push(it.text)
      continue
    }
    if (it.value.kind !== "scalar")
      throw new FormatError("ini", undefined, `value ${name}.${it.key} must be a plain value`)
    const written = writeKeyName(it.key, name, keys.length + 1)
    keys.push({ name: written, value: scalarText(it.value.value), comments: [] })
  }
  const isDefault = name === "DEFAULT"
  if (isDefault && keys.length === 0 && sectionComments.length === 0) return ""
  let out = sectionComments.map(commentLines).join("")
  if (!isDefault) out += `[${name}]\n`
  // go-ini aligns "=" by byte length, so a multi-byte name gets fewer spaces than its characters.
  const width = Math.max(0, ...keys.map((k) => bytes(k.name)))
  for (const k of keys) {
    out += k.comments.map(commentLines).join("")
    out += `${k.name}${" ".repeat(width - bytes(k.name))} = ${quoteValue(k.value)}\n`
  }
  return out
}

function commentLines(text: string): string {
  return text
    .split("\n")
    .map((l) => (l.startsWith(";") || l.startsWith("#") ? l : `; ${l}`) + "\n")
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
