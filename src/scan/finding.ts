/**
 * The scan engine's contracts. A detector looks at text and returns raw matches; the engine
 * adds location, redaction and a stable fingerprint. No finding ever carries the secret itself.
 */

export const Severity = { Critical: "critical", High: "high", Medium: "medium", Low: "low" } as const
export type Severity = (typeof Severity)[keyof typeof Severity]

/** What a detector reports: where the secret is in the text it was given. */
export interface RawMatch {
  readonly ruleId: string
  readonly severity: Severity
  /** Offsets into the scanned text of the secret part (not the surrounding keyword). */
  readonly start: number
  readonly end: number
  readonly description: string
}

export interface Detector {
  readonly id: string
  readonly severity: Severity
  /** Lower-case literals; the detector runs only when one occurs in the text (prefilter). Empty: always runs. */
  readonly keywords: readonly string[]
  /**
   * How many characters before and after each keyword hit the engine hands to `detect` (hits are
   * merged into windows). Absent: 64 before, 512 after. Ignored for keyword-less detectors.
   */
  readonly window?: DetectorWindow
  detect(text: string): readonly RawMatch[]
}

export interface DetectorWindow {
  readonly before: number
  readonly after: number
}

/** A reported leak, safe to print, store in a baseline or upload as SARIF. */
export interface Finding {
  readonly ruleId: string
  readonly severity: Severity
  readonly description: string
  readonly path: string
  /** 1-based */
  readonly line: number
  /** 1-based */
  readonly column: number
  /** e.g. `ghp_…Xk2` — at most a 4-character prefix and 3-character suffix of the secret */
  readonly redacted: string
  /** sha256 hex over ruleId + path + the secret: stable across line moves, reveals nothing */
  readonly fingerprint: string
  /** set by history scans: the commit that introduced it */
  readonly commit?: string
}
