import type { FormatName } from "../../formats/format.js"
import type { TextRange } from "./types.js"

const ENVELOPE = /ENC\[AES256_GCM,[^\]\n]*\]/g

/** Where a sealed file holds ciphertext: every envelope, and the whole metadata block. */
export function sealedRangesOf(text: string, format: FormatName): TextRange[] {
  const out: TextRange[] = []
  for (const m of text.matchAll(ENVELOPE)) out.push({ start: m.index, end: m.index + m[0].length })
  const meta = metadataRange(text, format)
  if (meta !== null) out.push(meta)
  return out
}

function metadataRange(text: string, format: FormatName): TextRange | null {
  switch (format) {
    case "yaml":
      return yamlBlock(text)
    case "json":
    case "binary":
      return jsonObject(text)
    case "dotenv":
      return linesWithPrefix(text, "sops_")
    case "ini": {
      const start = text.search(/^\[sops\][ \t]*$/m)
      if (start === -1) return null
      const next = text.slice(start + 6).search(/^\[/m)
      return { start, end: next === -1 ? text.length : start + 6 + next }
    }
  }
}

// From a top-level `sops:` line to the next top-level key or document marker.
function yamlBlock(text: string): TextRange | null {
  const start = text.search(/^sops:/m)
  if (start === -1) return null
  const rest = text.slice(start + 5)
  const next = rest.search(/^(?:[^\s#]|---)/m)
  return { start, end: next === -1 ? text.length : start + 5 + next }
}

// The `"sops": {…}` member: brace matching outside strings (metadata holds no nested quotes).
function jsonObject(text: string): TextRange | null {
  const key = text.lastIndexOf('"sops"')
  if (key === -1) return null
  const open = text.indexOf("{", key)
  if (open === -1) return null
  let depth = 0
  let inString = false
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === "\\") i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === "{") depth++
    else if (c === "}" && --depth === 0) return { start: key, end: i + 1 }
  }
  return { start: key, end: text.length }
}

function linesWithPrefix(text: string, prefix: string): TextRange | null {
  const first = text.search(new RegExp(`^${prefix}`, "m"))
  if (first === -1) return null
  let end = first
  for (const m of text.matchAll(new RegExp(`^${prefix}[^\\n]*`, "gm"))) end = m.index + m[0].length
  return { start: first, end }
}
