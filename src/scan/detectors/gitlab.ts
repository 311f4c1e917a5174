import { Severity } from "../finding.js"
import { base36, crc32 } from "../checksums.js"
import { shannonEntropy } from "../entropy.js"
import { regexDetector } from "./kit.js"

const ROUTABLE_PREFIXES = [
  "glpat-",
  "glrt-",
  "gldt-",
  "glft-",
  "glsoat-",
  "glcbt-",
  "glimt-",
  "gloas-",
  "glagent-",
]

/**
 * GitLab routable tokens end in `.` [2-char version `.`] + 2-char base36 payload length + 7-char
 * base36 CRC32 of everything before the CRC.
 */
export function gitlabRoutableValid(token: string): boolean {
  const body = token.slice(0, -7)
  return base36(crc32(body), 7) === token.slice(-7)
}

export const gitlabRoutableToken = regexDetector({
  id: "gitlab-routable-token",
  severity: Severity.Critical,
  description: "GitLab routable token (PAT, runner, deploy…) with a valid CRC32 checksum",
  keywords: ROUTABLE_PREFIXES,
  pattern:
    /(?<![A-Za-z0-9_-])gl(?:pat|rt|dt|ft|soat|cbt|imt|oas|agent)-[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}(?![A-Za-z0-9_.-])/g,
  check: gitlabRoutableValid,
})

export const gitlabToken = regexDetector({
  id: "gitlab-token",
  severity: Severity.High,
  description: "GitLab token (legacy format, no checksum)",
  keywords: [...ROUTABLE_PREFIXES, "glptt-"],
  pattern:
    /(?<![A-Za-z0-9_-])(?:gl(?:pat|rt|dt|ft|soat|cbt|imt|oas|agent)-[A-Za-z0-9_-]{20}|glptt-[0-9a-f]{40})(?![A-Za-z0-9_.-])/g,
  check: (s) => shannonEntropy(s.slice(s.indexOf("-") + 1)) > 3,
})
