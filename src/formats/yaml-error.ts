import type { YAMLError } from "yaml"
import { positionOf } from "../errors.js"

/**
 * Where a YAML parse error is and why, without any character of the input: the `yaml`
 * package's messages quote the offending text, and a broken file may be full of secrets.
 */
export function yamlErrorAt(text: string, err: YAMLError): { line: number; column: number; reason: string } {
  const { line, column } = positionOf(text, err.pos[0])
  return { line, column, reason: safeReason(err.message) }
}

/**
 * Messages that end in input text without quotes around it: a block scalar header's extra
 * characters (`|secret`), a double-quoted escape (`\q`, `\xZZ`), a text that is no token.
 */
const UNQUOTED_TAIL =
  /^(Block scalar header includes extra characters: |Invalid escape sequence |Not a YAML token: ).+$/

function safeReason(s: string): string {
  return (
    (s.split("\n")[0] ?? s)
      .replace(/ at line \d+, column \d+:?$/, "")
      .replace(UNQUOTED_TAIL, "$1…")
      // JSON.stringify quotes: an escaped quote inside does not end the quoted text.
      .replace(/"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`/g, "…")
  )
}
