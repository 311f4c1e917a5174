import type { SopsConfig } from "../../config/sops-config.js"
import type { Finding } from "../finding.js"

/** The repository-level facts the per-file checks need, gathered once before a scan. */
export interface GitopsContext {
  /** Every `.sops.yaml` of the scanned tree; `path` is repo-relative with `/` separators. */
  readonly sopsConfigs: readonly SopsConfig[]
}

/** The text detectors, injected so the checks can run them on decoded Secret values. */
export type DetectFn = (text: string, path: string) => readonly Finding[]

/** A half-open character range `[start, end)` of the scanned text. */
export interface TextRange {
  readonly start: number
  readonly end: number
}

export interface GitopsResult {
  readonly findings: readonly Finding[]
  /**
   * Ranges holding ciphertext the file format vouches for (sops envelopes and metadata,
   * SealedSecret `encryptedData`): the text detectors must not report inside them.
   */
  readonly sealedRanges: readonly TextRange[]
}

export const emptyContext: GitopsContext = { sopsConfigs: [] }
