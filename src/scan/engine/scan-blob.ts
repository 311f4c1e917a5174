import { isProbablyBinary } from "../binary.js"
import type { Finding } from "../finding.js"
import { checkGitops, maskRanges } from "../gitops/check.js"
import type { DetectFn, GitopsContext } from "../gitops/types.js"
import { scanText } from "../scanner.js"
import { applyInlineAllow } from "./inline-allow.js"

export type BlobOutcome =
  | { readonly kind: "scanned"; readonly findings: readonly Finding[]; readonly waived: number }
  | { readonly kind: "binary" }

const decoder = new TextDecoder("utf-8", { fatal: false })

/**
 * Scans one file's bytes: binary files are skipped; the GitOps checks run first and blank the
 * ciphertext they vouch for, then the text detectors run on the rest; inline
 * `sealbridge:allow` comments waive what they mark. `path` is repo-relative with `/`.
 */
export async function scanBlob(
  path: string,
  bytes: Uint8Array,
  ctx: GitopsContext,
  detect: DetectFn = scanText,
): Promise<BlobOutcome> {
  if (isProbablyBinary(bytes)) return { kind: "binary" }
  const text = decoder.decode(bytes)
  const gitops = await checkGitops(path, text, ctx, detect)
  const masked = maskRanges(text, gitops.sealedRanges)
  const all = dedupe([...gitops.findings, ...detect(masked, path)])
  const { kept, waived } = applyInlineAllow(text, all)
  return { kind: "scanned", findings: kept.sort((a, b) => a.line - b.line || a.column - b.column), waived }
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const key = `${f.fingerprint}:${f.line}:${f.column}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
