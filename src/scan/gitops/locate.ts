import type { TreePath } from "../../tree/path.js"

/**
 * Finds the offset of the key that ends `path`, by finding each key of the path in turn after
 * the previous one. The format parsers keep no positions; keys are cleartext in every format
 * (YAML `key:`, JSON `"key":`, dotenv `KEY=`, INI `key =` or `[section]`), so a forward search
 * for each key as a key token lands on the right line for the file shapes sops writes.
 * Returns the offset of the last key found (0 when none).
 */
export function locatePath(text: string, path: TreePath, from = 0): number {
  let at = from
  let found = from
  for (const key of path) {
    const hit = findKey(text, key, at)
    if (hit === -1) break
    found = hit
    at = hit + key.length
  }
  return found
}

function findKey(text: string, key: string, from: number): number {
  if (key === "") return -1
  for (let i = text.indexOf(key, from); i !== -1; i = text.indexOf(key, i + 1)) {
    if (isKeyToken(text, i, key.length)) return i
  }
  return -1
}

// A key token: preceded by line start/indent/list dash/quote/`[`, followed by optional quote then `:` `=` or `]`.
function isKeyToken(text: string, at: number, len: number): boolean {
  let b = at - 1
  if (b >= 0 && (text[b] === '"' || text[b] === "'")) b--
  while (
    b >= 0 &&
    (text[b] === " " || text[b] === "\t" || text[b] === "-" || text[b] === "{" || text[b] === ",")
  )
    b--
  const before = b < 0 ? "\n" : text[b]
  if (before !== "\n" && before !== "[" && before !== "\r") return false
  let a = at + len
  if (text[a] === '"' || text[a] === "'") a++
  while (text[a] === " " || text[a] === "\t") a++
  const after = text[a]
  return after === ":" || after === "=" || after === "]"
}
