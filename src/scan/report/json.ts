import type { ScanReport } from "./summary.js"

/** Machine-readable report; findings carry only redacted text and fingerprints. */
export function formatJson(report: ScanReport, version: string): string {
  return (
    JSON.stringify(
      { tool: "sealbridge", version, findings: report.findings, summary: report.summary },
      null,
      2,
    ) + "\n"
  )
}
