import type { Detector, RawMatch } from "../finding.js"
import { Severity } from "../finding.js"
import { shannonEntropy } from "../entropy.js"
import { regexDetector } from "./kit.js"

const KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g
const SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g

/**
 * A 40-character run is only credible as an AWS secret when it looks random: mixed case, a digit
 * or `/`/`+`, and not hex (git SHAs and SHA-1 digests are also 40 characters).
 */
export function plausibleAwsSecret(s: string): boolean {
  if (/^[0-9a-fA-F]+$/.test(s) || /EXAMPLE/i.test(s)) return false
  if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/[0-9/+]/.test(s)) return false
  return shannonEntropy(s) >= 4.0
}

function spans(re: RegExp, text: string): [number, number][] {
  const out: [number, number][] = []
  const r = new RegExp(re.source, re.flags)
  for (let m = r.exec(text); m !== null; m = r.exec(text)) out.push([m.index, m.index + m[0].length])
  return out
}

/**
 * Access key id and secret key paired, as GitHub does: the pair within the window is critical
 * (reported at the secret); a key id alone is only an identifier and gets medium.
 */
export const awsAccessKey: Detector = {
  id: "aws-access-key",
  severity: Severity.Critical,
  keywords: ["akia", "asia", "abia", "acca"],
  window: { before: 600, after: 600 },
  detect(text) {
    // AWS's documentation pair (AKIAIOSFODNN7EXAMPLE / …EXAMPLEKEY) is everywhere in docs
    const ids = spans(KEY_ID, text).filter(([a, b]) => !text.slice(a, b).endsWith("EXAMPLE"))
    if (ids.length === 0) return []
    const secrets = spans(SECRET, text).filter(([a, b]) => plausibleAwsSecret(text.slice(a, b)))
    const out: RawMatch[] = secrets.map(([start, end]) => ({
      ruleId: "aws-access-key",
      severity: Severity.Critical,
      start,
      end,
      description: "AWS secret access key next to its access key id",
    }))
    if (secrets.length > 0) return out
    return ids.map(([start, end]) => ({
      ruleId: "aws-access-key-id",
      severity: Severity.Medium,
      start,
      end,
      description: "AWS access key id without a secret key nearby",
    }))
  },
}

export const awsSecretKey = regexDetector({
  id: "aws-secret-access-key",
  severity: Severity.High,
  description: "AWS secret access key assigned to an aws_secret_access_key-style name",
  keywords: ["aws_secret", "secret_access_key", "secretaccesskey", "aws-secret"],
  window: { before: 16, after: 160 },
  pattern:
    /(?:aws_secret|secret_access_key|secretaccesskey|aws-secret)[A-Za-z_-]{0,20}["']?\s{0,4}[:=]{1,2}>?\s{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  group: 1,
  check: (s) => plausibleAwsSecret(s),
})
