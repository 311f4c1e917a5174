import type { BaselineEntry } from "../engine/baseline.js"
import type { Finding } from "../finding.js"

/** What a scan did, besides its findings. */
export interface ScanSummary {
  /** "worktree" | "staged" | "history" | "stdin" */
  readonly target: string
  readonly filesScanned: number
  readonly bytesScanned: number
  readonly skippedBinary: number
  readonly skippedOversize: number
  readonly skippedAllowed: number
  readonly waivedInline: number
  readonly waivedConfig: number
  readonly baselined: number
  readonly staleBaseline: readonly BaselineEntry[]
  readonly durationMs: number
  /** history scans: commits walked */
  readonly commits?: number
}

export interface ScanReport {
  readonly findings: readonly Finding[]
  readonly summary: ScanSummary
}

const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const

/** Stable order: path, line, column, rule. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      RANK[a.severity] - RANK[b.severity] ||
      a.ruleId.localeCompare(b.ruleId),
  )
}
