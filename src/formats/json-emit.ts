import { FormatError } from "../errors.js"
import type { Scalar, TreeNode } from "../tree/node.js"

const lenientUtf8 = new TextDecoder()

/**
 * Writes a tree the way sops' JSON store does: Go `encoding/json` values (HTML-safe string
 * escaping, Go float text) passed through `json.Indent` with a tab (or N spaces).
 */
export function emitJson(node: TreeNode, indent: string, depth = 0): string {
  if (node.kind === "scalar") return jsonScalar(node.value)
  const pad = indent.repeat(depth + 1)
  const close = indent.repeat(depth)
  if (node.kind === "map") {
    const parts: string[] = []
    for (const it of node.items) {
      if (it.kind === "entry")
        parts.push(`${pad}${jsonString(it.key)}: ${emitJson(it.value, indent, depth + 1)}`)
    }
    return parts.length === 0 ? "{}" : `{\n${parts.join(",\n")}\n${close}}`
  }
  const parts: string[] = []
  for (const it of node.items) if (it.kind !== "comment") parts.push(pad + emitJson(it, indent, depth + 1))
  return parts.length === 0 ? "[]" : `[\n${parts.join(",\n")}\n${close}]`
}

export function jsonScalar(v: Scalar): string {
  switch (v.kind) {
    case "string":
    case "time":
      return jsonString(v.value)
    case "bytes":
      return jsonString(lenientUtf8.decode(v.value))
    case "int":
      return v.value.toString()
    case "bool":
      return v.value ? "true" : "false"
    case "null":
      return "null"
    case "float":
      if (!Number.isFinite(v.value)) {
        // Go's encoding/json names the value as strconv does (sops 3.13.2: "unsupported value: +Inf").
        const go = Number.isNaN(v.value) ? "NaN" : v.value > 0 ? "+Inf" : "-Inf"
        throw new FormatError("json", undefined, `unsupported value: ${go}`)
      }
      // JS and Go's encoding/json agree: shortest digits, exponent below 1e-6 and from 1e21.
      return Object.is(v.value, -0) ? "-0" : String(v.value)
  }
}

// Go escapes <, >, & and the JS line separators so JSON is safe inside HTML.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029]/g
const SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" }

export function jsonString(s: string): string {
  return (
    '"' + s.replace(ESCAPE, (c) => SHORT[c] ?? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) + '"'
  )
}
