import { Severity } from "../finding.js"
import { base62, crc32 } from "../checksums.js"
import { regexDetector } from "./kit.js"

/** GitHub's and npm's scheme: the last 6 characters are base62(CRC32(the 30 random characters)). */
export function crc32Base62Valid(body36: string): boolean {
  return base62(crc32(body36.slice(0, 30)), 6) === body36.slice(30)
}

export const githubClassicToken = regexDetector({
  id: "github-token",
  severity: Severity.Critical,
  description: "GitHub token (ghp_/gho_/ghu_/ghs_/ghr_) with a valid CRC32 checksum",
  keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
  pattern: /(?<![A-Za-z0-9_])gh[pousr]_([A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
  check: (_s, m) => crc32Base62Valid(m[1] ?? ""),
})

export const githubFineGrainedToken = regexDetector({
  id: "github-fine-grained-token",
  severity: Severity.Critical,
  description: "GitHub fine-grained personal access token",
  keywords: ["github_pat_"],
  pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])/g,
})

export const npmToken = regexDetector({
  id: "npm-token",
  severity: Severity.Critical,
  description: "npm access token with a valid CRC32 checksum",
  keywords: ["npm_"],
  pattern: /(?<![A-Za-z0-9_])npm_([A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
  check: (_s, m) => crc32Base62Valid(m[1] ?? ""),
})
