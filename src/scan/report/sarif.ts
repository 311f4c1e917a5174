import type { Finding, Severity } from "../finding.js"
import { GITOPS_RULES } from "../gitops/rules.js"
import type { ScanReport } from "./summary.js"

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
}
// GitHub code scanning ranks security alerts by this number (≥ 9 critical, ≥ 7 high, ≥ 4 medium).
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.0",
  low: "3.0",
}

/**
 * SARIF 2.1.0 with what GitHub code scanning requires (tool.driver.name and rules, result
 * ruleId/message/locations with a relative artifact URI and startLine) plus
 * `partialFingerprints.primaryLocationLineHash` from the finding's content fingerprint, so an
 * alert survives line moves. Messages hold the description and the redacted form only.
 */
export function formatSarif(report: ScanReport, version: string): string {
  const rules = new Map<string, { f: Finding; index: number }>()
  for (const f of report.findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, { f, index: rules.size })
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "sealbridge",
            semanticVersion: version,
            informationUri: "https://github.com/sealbridge/sealbridge",
            rules: [...rules.values()].map(({ f }) => ({
              id: f.ruleId,
              name: f.ruleId,
              shortDescription: { text: ruleTitle(f) },
              fullDescription: { text: ruleTitle(f) },
              help: {
                text: "Remove the secret from the file (and history), rotate it, and seal it with sealbridge/sops or reference it from a secret store.",
              },
              defaultConfiguration: { level: LEVEL[f.severity] },
              properties: {
                tags: ["security", "secret"],
                "security-severity": SECURITY_SEVERITY[f.severity],
                precision: "high",
              },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: rules.get(f.ruleId)?.index ?? 0,
          level: LEVEL[f.severity],
          message: {
            text: `${f.description}${f.redacted === "" ? "" : ` (${f.redacted})`}${f.commit === undefined ? "" : ` introduced in ${f.commit}`}`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.path), uriBaseId: "%SRCROOT%" },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          partialFingerprints: { primaryLocationLineHash: `${f.fingerprint.slice(0, 32)}:1` },
          ...(f.commit === undefined ? {} : { properties: { commit: f.commit } }),
        })),
        columnKind: "utf16CodeUnits",
      },
    ],
  }
  return JSON.stringify(sarif, null, 2) + "\n"
}

// Rule descriptions sometimes name the file's keys; the first clause is the rule's own wording.
const ruleTitle = (f: Finding): string =>
  GITOPS_RULES[f.ruleId] ?? f.description.split(/[:(;]/)[0]?.trim() ?? f.ruleId
