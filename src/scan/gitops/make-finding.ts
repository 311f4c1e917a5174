import type { Finding, Severity } from "../finding.js"
import { fingerprint, redactSecret } from "../scanner.js"

export { redactSecret }

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: offset - lineStart + 1 }
}

export interface FindingSpec {
  readonly ruleId: string
  readonly severity: Severity
  readonly description: string
  readonly path: string
  readonly line: number
  readonly column: number
  /** What the fingerprint covers; never stored. For structural findings: a stable label. */
  readonly secret: string
  /** Printed instead of a redacted `secret` when the secret is not the point (e.g. a key name). */
  readonly shown?: string
}

export function makeFinding(s: FindingSpec): Finding {
  return {
    ruleId: s.ruleId,
    severity: s.severity,
    description: s.description,
    path: s.path,
    line: s.line,
    column: s.column,
    redacted: s.shown ?? redactSecret(s.secret),
    fingerprint: fingerprint(s.ruleId, s.path, s.secret),
  }
}
