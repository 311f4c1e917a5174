import type { Finding, Severity } from "../finding.js"
import type { ScanReport } from "./summary.js"

const COLOUR: Record<Severity | "dim" | "bold" | "ok", string> = {
  critical: "\x1b[1;35m",
  high: "\x1b[31m",
  medium: "\x1b[33m",
  low: "\x1b[36m",
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  ok: "\x1b[32m",
}
const RESET = "\x1b[0m"

/** The report for people: one block per finding (redacted), then a summary line. */
export function formatText(report: ScanReport, colour: boolean): string {
  const c = (k: keyof typeof COLOUR, s: string): string => (colour ? `${COLOUR[k]}${s}${RESET}` : s)
  const out: string[] = []
  for (const f of report.findings) out.push(...findingLines(f, c))
  const s = report.summary
  const mb = (s.bytesScanned / 1e6).toFixed(1)
  const skipped = [
    s.skippedBinary > 0 ? `${s.skippedBinary} binary` : "",
    s.skippedOversize > 0 ? `${s.skippedOversize} oversize` : "",
    s.skippedAllowed > 0 ? `${s.skippedAllowed} allowlisted` : "",
  ].filter((x) => x !== "")
  const waived = s.waivedInline + s.waivedConfig + s.baselined
  const counts = countBySeverity(report.findings)
  const head =
    report.findings.length === 0
      ? c("ok", "no leaks found")
      : c("bold", `${report.findings.length} finding${report.findings.length === 1 ? "" : "s"}`) +
        ` (${counts})`
  const what =
    s.commits === undefined ? `${s.filesScanned} files` : `${s.filesScanned} blobs in ${s.commits} commits`
  out.push(
    `${head}: ${what}, ${mb} MB in ${(s.durationMs / 1000).toFixed(2)} s` +
      (skipped.length > 0 ? `; skipped ${skipped.join(", ")}` : "") +
      (waived > 0
        ? `; ${waived} waived (${s.waivedInline} inline, ${s.waivedConfig} config, ${s.baselined} baseline)`
        : ""),
  )
  if (s.staleBaseline.length > 0) {
    out.push(
      c(
        "dim",
        `${s.staleBaseline.length} stale baseline entr${s.staleBaseline.length === 1 ? "y" : "ies"} (no longer found):`,
      ),
    )
    for (const e of s.staleBaseline) out.push(c("dim", `  ${e.path}  ${e.ruleId}  ${e.hash.slice(0, 12)}`))
  }
  return out.join("\n") + "\n"
}

function findingLines(f: Finding, c: (k: keyof typeof COLOUR, s: string) => string): string[] {
  const where = `${f.path}:${f.line}:${f.column}`
  const lines = [`${c(f.severity, f.severity.toUpperCase().padEnd(8))} ${c("bold", where)}  ${f.ruleId}`]
  lines.push(`         ${f.description}`)
  const extra = [
    f.redacted !== "" ? `secret ${f.redacted}` : "",
    f.commit !== undefined ? `commit ${f.commit.slice(0, 12)}` : "",
  ]
  const shown = extra.filter((x) => x !== "").join("  ")
  if (shown !== "") lines.push(c("dim", `         ${shown}  fingerprint ${f.fingerprint.slice(0, 12)}`))
  else lines.push(c("dim", `         fingerprint ${f.fingerprint.slice(0, 12)}`))
  return lines
}

function countBySeverity(findings: readonly Finding[]): string {
  const n = { critical: 0, high: 0, medium: 0, low: 0 }
  for (const f of findings) n[f.severity]++
  return (Object.entries(n) as [Severity, number][])
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ")
}
