import { createHash } from "node:crypto"
import type { Detector, Finding, RawMatch } from "./finding.js"
import { Severity } from "./finding.js"
import { buildKeywordIndex } from "./prefilter.js"
import { defaultDetectors } from "./detectors/registry.js"

/** Scans text with a fixed set of detectors. Pure: no I/O, safe to share across calls. */
export interface Scanner {
  readonly detectors: readonly Detector[]
  scan(text: string, path: string): Finding[]
}

const DEFAULT_WINDOW = { before: 64, after: 512 } as const
const RANK: Readonly<Record<Severity, number>> = {
  [Severity.Critical]: 4,
  [Severity.High]: 3,
  [Severity.Medium]: 2,
  [Severity.Low]: 1,
}

interface Ranked {
  readonly m: RawMatch
  readonly order: number
}

export function createScanner(detectors: readonly Detector[]): Scanner {
  const index = buildKeywordIndex(detectors.map((d) => d.keywords))
  return {
    detectors,
    scan(text, path) {
      const hits = index.hits(text)
      const raw: Ranked[] = []
      detectors.forEach((d, order) => {
        for (const m of runDetector(d, text, hits[order] ?? [])) raw.push({ m, order })
      })
      return toFindings(text, path, dedupe(raw))
    },
  }
}

let shared: Scanner | undefined

/**
 * Finds credentials in `text` with the built-in detectors. `path` is only used for the finding's
 * location and fingerprint. Findings come in text order and never carry the secret.
 */
export function scanText(text: string, path: string): Finding[] {
  shared ??= createScanner(defaultDetectors)
  return shared.scan(text, path)
}

/** Runs a detector only on windows around its keyword hits (the whole text when it has none). */
function runDetector(d: Detector, text: string, hits: readonly number[]): RawMatch[] {
  if (d.keywords.length === 0) return [...d.detect(text)]
  if (hits.length === 0) return []
  const { before, after } = d.window ?? DEFAULT_WINDOW
  const out: RawMatch[] = []
  let i = 0
  while (i < hits.length) {
    const start = Math.max(0, (hits[i] ?? 0) - before)
    let end = Math.min(text.length, (hits[i] ?? 0) + after)
    i++
    while (i < hits.length && (hits[i] ?? 0) - before <= end) {
      end = Math.min(text.length, (hits[i] ?? 0) + after)
      i++
    }
    const window = start === 0 && end === text.length ? text : text.slice(start, end)
    for (const m of d.detect(window)) out.push({ ...m, start: m.start + start, end: m.end + start })
  }
  return out
}

/**
 * Overlapping matches (two detectors on one token, or one detector seen from two windows) keep
 * the strongest: higher severity, then the longer span, then the earlier detector in the list.
 */
function dedupe(raw: readonly Ranked[]): RawMatch[] {
  const byPriority = [...raw].sort(
    (a, b) =>
      RANK[b.m.severity] - RANK[a.m.severity] ||
      b.m.end - b.m.start - (a.m.end - a.m.start) ||
      a.order - b.order ||
      a.m.start - b.m.start,
  )
  const kept: RawMatch[] = []
  for (const { m } of byPriority) {
    if (m.end <= m.start) continue
    if (!kept.some((k) => k.start < m.end && m.start < k.end)) kept.push(m)
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end)
}

function toFindings(text: string, path: string, matches: readonly RawMatch[]): Finding[] {
  const out: Finding[] = []
  let line = 1
  let lineStart = 0
  let nextNl = text.indexOf("\n")
  for (const m of matches) {
    // matches are sorted, so line counting is one forward walk over the text
    while (nextNl !== -1 && nextNl < m.start) {
      line++
      lineStart = nextNl + 1
      nextNl = text.indexOf("\n", lineStart)
    }
    const secret = text.slice(m.start, m.end)
    out.push({
      ruleId: m.ruleId,
      severity: m.severity,
      description: m.description,
      path,
      line,
      column: m.start - lineStart + 1,
      redacted: redactSecret(secret),
      fingerprint: fingerprint(m.ruleId, path, secret),
    })
  }
  return out
}

/** At most a 4-character prefix and a 3-character suffix, fewer for short secrets. */
export function redactSecret(secret: string): string {
  const n = secret.length
  const head = n >= 20 ? 4 : n >= 12 ? 2 : 0
  const tail = n >= 20 ? 3 : 0
  return `${secret.slice(0, head)}…${tail > 0 ? secret.slice(n - tail) : ""}`
}

/** sha256 over rule, path and secret, NUL-separated so that fields cannot run into each other. */
export function fingerprint(ruleId: string, path: string, secret: string): string {
  return createHash("sha256").update(`${ruleId}\0${path}\0${secret}`).digest("hex")
}
