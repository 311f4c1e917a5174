import { BridgeError, ErrorCode } from "../../errors.js"
import type { Detector, DetectorWindow, RawMatch, Severity } from "../finding.js"

export interface RegexRule {
  readonly id: string
  readonly severity: Severity
  readonly description: string
  readonly keywords: readonly string[]
  readonly window?: DetectorWindow
  /**
   * Global pattern. Keep it linear: bounded repetition of one character class per run, no nested
   * or adjacent overlapping quantifiers (the pathological-input test holds every rule to this).
   */
  readonly pattern: RegExp
  /** capture group holding the secret; 0 (the default) is the whole match */
  readonly group?: number
  /** false drops the candidate; a Severity overrides the rule's (e.g. test keys) */
  readonly check?: (secret: string, match: RegExpExecArray, text: string) => boolean | Severity
}

/** A detector from one regex plus an optional structural check of the candidate. */
export function regexDetector(rule: RegexRule): Detector {
  if (!rule.pattern.global)
    throw new BridgeError(ErrorCode.Internal, `pattern of ${rule.id} needs the g flag`)
  const flags = rule.pattern.flags.includes("d") ? rule.pattern.flags : rule.pattern.flags + "d"
  // one compiled pattern per detector; detect() is synchronous, so resetting lastIndex is enough
  const re = new RegExp(rule.pattern.source, flags)
  const group = rule.group ?? 0
  return {
    id: rule.id,
    severity: rule.severity,
    keywords: rule.keywords,
    ...(rule.window ? { window: rule.window } : {}),
    detect(text) {
      re.lastIndex = 0
      const out: RawMatch[] = []
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) re.lastIndex++
        const span = m.indices?.[group]
        if (!span) continue
        const secret = text.slice(span[0], span[1])
        const verdict = rule.check ? rule.check(secret, m, text) : true
        if (verdict === false) continue
        out.push({
          ruleId: rule.id,
          severity: verdict === true ? rule.severity : verdict,
          start: span[0],
          end: span[1],
          description: rule.description,
        })
      }
      return out
    },
  }
}
