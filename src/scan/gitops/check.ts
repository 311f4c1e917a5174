import type { Finding } from "../finding.js"
import { checkK8sSecrets } from "./k8s-secret.js"
import { checkRecipientKeys } from "./recipient-keys.js"
import { checkSopsFile } from "./sops-file.js"
import { checkTempFile } from "./temp-files.js"
import type { DetectFn, GitopsContext, GitopsResult, TextRange } from "./types.js"

/**
 * Every GitOps-aware check of one file: sops structure and policy, Kubernetes Secret
 * manifests, committed private keys that open the repository's sealed files, and leftover
 * sealbridge temp files. `path` is repo-relative with `/` separators.
 */
export async function checkGitops(
  path: string,
  text: string,
  ctx: GitopsContext,
  detect: DetectFn,
): Promise<GitopsResult> {
  const findings: Finding[] = []
  const temp = checkTempFile(path)
  if (temp !== null) findings.push(temp)
  const sops = checkSopsFile(path, text, ctx)
  findings.push(...sops.findings)
  const sealedRanges: TextRange[] = [...sops.sealedRanges]
  if (sops.sealedRanges.length === 0) {
    const k8s = checkK8sSecrets(path, text, detect)
    findings.push(...k8s.findings)
    sealedRanges.push(...k8s.sealedRanges)
  }
  findings.push(...(await checkRecipientKeys(path, text, ctx)))
  return { findings, sealedRanges }
}

/** Blanks `ranges` (newlines kept, so lines and columns stay true) before the text detectors run. */
export function maskRanges(text: string, ranges: readonly TextRange[]): string {
  if (ranges.length === 0) return text
  const sorted = [...ranges].sort((a, b) => a.start - b.start)
  let out = ""
  let at = 0
  for (const r of sorted) {
    if (r.end <= at) continue
    const start = Math.max(r.start, at)
    out += text.slice(at, start) + text.slice(start, r.end).replace(/[^\n]/g, " ")
    at = r.end
  }
  return out + text.slice(at)
}
