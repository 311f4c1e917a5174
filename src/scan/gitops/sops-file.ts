import { formats, formatForPath } from "../../formats/registry.js"
import type { FormatName, SealedFile } from "../../formats/format.js"
import { policyFor, type Policy } from "../../seal/policy.js"
import type { Branch } from "../../tree/node.js"
import { mapTree } from "../../tree/walk.js"
import type { Finding } from "../finding.js"
import { creationRuleFor } from "./creation-rules.js"
import { envelopeIv, envelopeProblem, looksSealed } from "./envelope-check.js"
import { locatePath } from "./locate.js"
import { lineColumn, makeFinding, redactSecret } from "./make-finding.js"
import { checkMetadata } from "./metadata-check.js"
import { sealedRangesOf } from "./sealed-ranges.js"
import type { GitopsContext, TextRange } from "./types.js"

export interface SopsFileResult {
  readonly findings: Finding[]
  readonly sealedRanges: TextRange[]
  /** Age recipients / PGP fingerprints the file is sealed for (empty when not sealed). */
  readonly recipients: readonly string[]
}

const utf8 = new TextEncoder()

/** The format a sealed file is read with; binary-sealed files are JSON whatever their name. */
function sealedFormat(path: string, text: string): FormatName | null {
  const f = formatForPath(path)
  if (f !== "binary") return f
  return /^\s*\{/.test(text) && text.includes('"sops"') ? "json" : null
}

/**
 * The sops checks of one file: structure of a sealed file (metadata, envelopes, IV reuse),
 * plaintext values its own rule or its creation rule says must be sealed, and a file that a
 * creation rule covers but that is not sealed at all.
 */
export function checkSopsFile(path: string, text: string, ctx: GitopsContext): SopsFileResult {
  const none: SopsFileResult = { findings: [], sealedRanges: [], recipients: [] }
  const format = sealedFormat(path, text)
  const ruleMatch = isConfigFile(path) ? null : creationRuleFor(ctx, path)
  const mayBeSealed = text.includes("sops") || text.includes("ENC[")
  if (format === null || !mayBeSealed) return notSealed(path, text, ruleMatch, none)
  let sealed: SealedFile
  try {
    sealed = formats[format].parseSealed(utf8.encode(text), path)
  } catch {
    return none // unparseable: not a sops file this check can speak for; the text detectors still run
  }
  const hasEnvelopes = text.includes("ENC[AES256_GCM,")
  if (sealed.metadata === null) {
    if (!hasEnvelopes) return notSealed(path, text, ruleMatch, none)
    const at = lineColumn(text, text.indexOf("ENC[AES256_GCM,"))
    const f = makeFinding({
      ruleId: "sops-missing-metadata",
      severity: "medium",
      description: "sealed values but no sops metadata block (stripped or truncated file)",
      path,
      ...at,
      secret: "sops-missing-metadata",
      shown: "",
    })
    return { findings: [f], sealedRanges: sealedRangesOf(text, format), recipients: [] }
  }
  const findings: Finding[] = []
  const report = checkMetadata(sealed.metadata, path)
  const metaAt = lineColumn(text, Math.max(0, text.search(/^\[?["']?sops/m)))
  for (const p of report.problems) {
    findings.push(
      makeFinding({
        ruleId: "sops-malformed-metadata",
        severity: "medium",
        description: `sops metadata: ${p.problem}`,
        path,
        ...metaAt,
        secret: `sops-metadata:${p.field}`,
        shown: p.field,
      }),
    )
  }
  const policies = [policyFor(report.rule)]
  const creationRule = ruleMatch?.rule.rule ?? null
  // A creation rule without a selection rule means sops' default; the file's own rule then governs.
  if (creationRule !== null && JSON.stringify(creationRule) !== JSON.stringify(report.rule))
    policies.push(policyFor(creationRule))
  findings.push(...checkLeaves(path, text, sealed.branches, policies))
  return { findings, sealedRanges: sealedRangesOf(text, format), recipients: report.recipients }
}

const isConfigFile = (path: string): boolean => path === ".sops.yaml" || path.endsWith("/.sops.yaml")

function notSealed(
  path: string,
  text: string,
  match: ReturnType<typeof creationRuleFor>,
  none: SopsFileResult,
): SopsFileResult {
  // A rule without path_regex matches everything; only an explicit path_regex names files that must be sealed.
  if (match === null || match.rule.pathRegex === null || text.trim() === "") return none
  const f = makeFinding({
    ruleId: "sops-unsealed-file",
    severity: "high",
    description: `${match.config.path} creation_rules[${match.index}] says this file must be sealed, but it is not`,
    path,
    line: 1,
    column: 1,
    secret: "sops-unsealed-file",
    shown: "",
  })
  return { ...none, findings: [f] }
}

function checkLeaves(path: string, text: string, branches: Branch[], policies: Policy[]): Finding[] {
  const out: Finding[] = []
  const ivs = new Map<string, string>()
  const at = (keys: readonly string[]): { line: number; column: number } =>
    lineColumn(text, locatePath(text, keys, 0))
  const sealedValue = (value: string, keys: readonly string[], what: string): void => {
    const problem = envelopeProblem(value)
    const where = keys.join(".") || "(top level)"
    if (problem !== null) {
      out.push(finding("sops-malformed-envelope", "medium", `${what} at ${where}: ${problem}`, keys, value))
      return
    }
    const iv = envelopeIv(value) ?? ""
    const first = ivs.get(iv)
    if (first !== undefined)
      out.push(
        finding("sops-iv-reuse", "medium", `${what} at ${where} reuses the IV of ${first}`, keys, value),
      )
    else ivs.set(iv, where)
  }
  const finding = (
    ruleId: string,
    severity: "high" | "medium" | "low",
    description: string,
    keys: readonly string[],
    secret: string,
  ) =>
    makeFinding({ ruleId, severity, description, path, ...at(keys), secret: `${keys.join(":")}:${secret}` })
  for (const branch of branches) {
    mapTree(branch, {
      leaf(node, keys, comments) {
        const v = node.value
        if (v.kind === "null") return node
        if (v.kind === "string" && looksSealed(v.value)) {
          sealedValue(v.value, keys, "value")
          return node
        }
        if ((v.kind === "string" && v.value === "") || (v.kind === "bytes" && v.value.length === 0))
          return node
        if (policies.some((p) => p.shouldSeal(keys, comments, false))) {
          const shown = v.kind === "string" ? v.value : v.kind === "bytes" ? "" : String(v.value)
          const f = finding(
            "sops-plaintext-value",
            "high",
            `value at ${keys.join(".")} is in plaintext in a sealed file; its selection rule says it must be sealed`,
            keys,
            shown,
          )
          out.push({ ...f, redacted: redactSecret(shown) })
        }
        return node
      },
      comment(item, keys) {
        if (looksSealed(item.text)) sealedValue(item.text, keys, "comment")
        return { item, text: item.text }
      },
    })
  }
  return out
}
