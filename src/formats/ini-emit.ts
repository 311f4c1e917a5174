import { FormatError } from "../errors.js"
import type { Branch, MapNode } from "../tree/node.js"
import { scalarText } from "../tree/scalar-text.js"

interface Key {
  name: string
  value: string
  comments: string[]
}

/**
 * Writes sections the way go-ini's `WriteTo` does for sops: a comment item after a key becomes
 * that key's comment (written above it), a leading one the section's; `=` aligned per section;
 * a blank line between sections; the implicit DEFAULT section has no header.
 */
export function emitIni(branch: Branch | undefined): string {
  const blocks: string[] = []
  for (const it of branch?.items ?? []) {
    if (it.kind !== "entry") continue
    if (it.value.kind !== "map")
      throw new FormatError("ini", undefined, `value ${it.key} must be a section (a mapping of values)`)
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
    keys.push({ name: it.key, value: scalarText(it.value.value), comments: [] })
  }
  const isDefault = name === "DEFAULT"
  if (isDefault && keys.length === 0 && sectionComments.length === 0) return ""
  let out = sectionComments.map(commentLines).join("")
  if (!isDefault) out += `[${name}]\n`
  const width = Math.max(0, ...keys.map((k) => quoteKey(k.name).length))
  for (const k of keys) {
    out += k.comments.map(commentLines).join("")
    out += `${quoteKey(k.name).padEnd(width)} = ${quoteValue(k.value)}\n`
  }
  return out
}

function commentLines(text: string): string {
  return text
    .split("\n")
    .map((l) => (l.startsWith(";") || l.startsWith("#") ? l : `; ${l}`) + "\n")
    .join("")
}

function quoteKey(k: string): string {
  if (k.includes("`")) return `"""${k}"""`
  if (/[=:]/.test(k)) return "`" + k + "`"
  return k
}

function quoteValue(v: string): string {
  if (/[\n`]/.test(v)) return `"""${v}"""`
  if (/[#;]/.test(v)) return "`" + v + "`"
  if (v.trim().length !== v.length) return `"${v}"`
  return v
}
