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

function safeReason(s: string): string {
  return (s.split("\n")[0] ?? s)
    .replace(/ at line \d+, column \d+:?$/, "")
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, "…")
}
