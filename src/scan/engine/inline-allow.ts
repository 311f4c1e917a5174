import type { Finding } from "../finding.js"

const MARKER = "sealbridge:allow"

/**
 * Drops findings whose line carries a `sealbridge:allow` comment, or whose previous line is a
 * comment holding only the marker (for formats where a trailing comment would change the value).
 * `sealbridge:allow(rule-a,rule-b)` limits the waiver to those rules.
 * Returns the kept findings and how many were waived.
 */
export function applyInlineAllow(
  text: string,
  findings: readonly Finding[],
): { kept: Finding[]; waived: number } {
  if (findings.length === 0 || !text.includes(MARKER)) return { kept: [...findings], waived: 0 }
  const lines = text.split("\n")
  const kept: Finding[] = []
  for (const f of findings) {
    const same = lines[f.line - 1] ?? ""
    const prev = lines[f.line - 2] ?? ""
    const waived =
      allows(same, f.ruleId) || (/^\s*(#|\/\/|;|--|<!--|\/\*)/.test(prev) && allows(prev, f.ruleId))
    if (!waived) kept.push(f)
  }
  return { kept, waived: findings.length - kept.length }
}

function allows(line: string, ruleId: string): boolean {
  const at = line.indexOf(MARKER)
  if (at === -1) return false
  const scoped = /^\(([^)]*)\)/.exec(line.slice(at + MARKER.length))
  if (scoped === null) return true
  return (scoped[1] ?? "").split(",").some((r) => r.trim() === ruleId)
}
