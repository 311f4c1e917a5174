import { Severity } from "../finding.js"
import { crc32 } from "../checksums.js"
import { shannonEntropy } from "../entropy.js"
import { isPlaceholder } from "../filters.js"
import { regexDetector } from "./kit.js"

/** Grafana `glsa_`: the last 8 hex are CRC32 of the first 37 characters, little-endian. */
export function grafanaValid(token: string): boolean {
  const crc = crc32(token.slice(0, 37))
  const le = [crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24]
  return le.map((b) => b.toString(16).padStart(2, "0")).join("") === token.slice(38).toLowerCase()
}

/** Atlassian `ATATT3…` and Bitbucket `ATBB…`: trailing 8 hex = CRC32 of everything before them. */
export function atlassianValid(token: string): boolean {
  const hex = token.slice(-8)
  return /^[0-9a-fA-F]{8}$/.test(hex) && crc32(token.slice(0, -8)) === parseInt(hex, 16)
}

export const slackToken = regexDetector({
  id: "slack-token",
  severity: Severity.High,
  description: "Slack bot, user, app or configuration token",
  keywords: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe", "xapp-"],
  pattern:
    /(?<![A-Za-z0-9_-])(?:(?:xoxe\.)?xox[baprso]-[0-9]{6,14}(?:-[0-9]{6,14}){0,3}-[A-Za-z0-9]{20,64}|xoxe-[0-9]-[A-Za-z0-9]{100,200}|xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,16}-[a-f0-9]{64})(?![A-Za-z0-9_-])/g,
  check: (s) => shannonEntropy(s) > 3 && !isPlaceholder(s.slice(5)),
})

export const slackWebhook = regexDetector({
  id: "slack-webhook",
  severity: Severity.High,
  description: "Slack incoming webhook URL",
  keywords: ["hooks.slack.com"],
  pattern:
    /https:\/\/hooks\.slack\.com\/(?:services\/T[A-Z0-9]{6,14}\/B[A-Z0-9]{6,14}\/[A-Za-z0-9]{20,32}|(?:workflows|triggers)\/T[A-Z0-9]{6,14}\/[A-Z0-9]{6,14}\/[0-9]{6,24}\/[A-Za-z0-9]{20,40})(?![A-Za-z0-9])/g,
})

export const stripeKey = regexDetector({
  id: "stripe-key",
  severity: Severity.Critical,
  description: "Stripe secret, restricted or webhook signing key",
  keywords: ["sk_live_", "rk_live_", "sk_test_", "rk_test_", "whsec_"],
  pattern:
    /(?<![A-Za-z0-9_])(?:[sr]k_(live|test)_[A-Za-z0-9]{20,247}|whsec_[A-Za-z0-9+/]{32,88})(?![A-Za-z0-9_])/g,
  check: (s, m) => {
    const body = s.slice(s.indexOf("_", 3) + 1)
    // `sk_live_111111111111` in docs is the classic false positive (ESEM 2023)
    if (shannonEntropy(body) < 3.5 || isPlaceholder(body)) return false
    return m[1] === "test" ? Severity.Low : true
  },
})

export const openaiKey = regexDetector({
  id: "openai-api-key",
  severity: Severity.Critical,
  description: 'OpenAI API key (carries the "T3BlbkFJ" marker)',
  keywords: ["t3blbkfj"],
  window: { before: 200, after: 200 },
  pattern:
    /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160}(?![A-Za-z0-9_-])/g,
})

export const anthropicKey = regexDetector({
  id: "anthropic-api-key",
  severity: Severity.Critical,
  description: "Anthropic API or admin key",
  keywords: ["sk-ant-"],
  pattern: /(?<![A-Za-z0-9_-])sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA(?![A-Za-z0-9_-])/g,
})

export const googleApiKey = regexDetector({
  id: "google-api-key",
  severity: Severity.High,
  description: "Google API key",
  keywords: ["aiza"],
  pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
  check: (s) => shannonEntropy(s) > 3.5,
})

export const googleOAuthSecret = regexDetector({
  id: "google-oauth-client-secret",
  severity: Severity.High,
  description: "Google OAuth client secret",
  keywords: ["gocspx-"],
  pattern: /(?<![A-Za-z0-9_-])GOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g,
})

export const grafanaServiceAccount = regexDetector({
  id: "grafana-service-account-token",
  severity: Severity.Critical,
  description: "Grafana service account token with a valid CRC32 checksum",
  keywords: ["glsa_"],
  pattern: /(?<![A-Za-z0-9_])glsa_[A-Za-z0-9]{32}_[0-9a-fA-F]{8}(?![A-Za-z0-9_])/g,
  check: grafanaValid,
})

export const grafanaCloud = regexDetector({
  id: "grafana-cloud-token",
  severity: Severity.High,
  description: "Grafana Cloud token whose payload is JSON with o, n, k, m",
  keywords: ["glc_"],
  pattern: /(?<![A-Za-z0-9_])glc_([A-Za-z0-9+/]{32,400}={0,2})(?![A-Za-z0-9+/=])/g,
  check: (_s, m) => {
    try {
      const obj: unknown = JSON.parse(Buffer.from(m[1] ?? "", "base64").toString("utf8"))
      return typeof obj === "object" && obj !== null && ["o", "n", "k", "m"].every((k) => k in obj)
    } catch {
      return false
    }
  },
})

export const atlassianToken = regexDetector({
  id: "atlassian-api-token",
  severity: Severity.Critical,
  description: "Atlassian API token or Bitbucket app password with a valid CRC32 checksum",
  keywords: ["atatt3", "atbb"],
  pattern: /(?<![A-Za-z0-9_-])(?:ATATT3[A-Za-z0-9_=-]{100,300}|ATBB[A-Za-z0-9]{24,40})(?![A-Za-z0-9_=-])/g,
  check: atlassianValid,
})
