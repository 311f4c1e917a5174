import { BridgeError, ErrorCode } from "../errors.js"

/**
 * One pass over the text for every detector's keywords at once, case-insensitively, without
 * lower-casing a copy of the text. Keywords are bucketed by their first two (folded) characters,
 * so the inner loop is a table lookup per character; only bucket hits compare whole keywords.
 * This plays the role of gitleaks' and TruffleHog's Aho-Corasick pass at a fraction of the code.
 */

/** ASCII fold table: A-Z → a-z; the rest of ASCII maps to itself. */
const FOLD = new Uint8Array(128).map((_, c) => (c >= 65 && c <= 90 ? c + 32 : c))

interface Entry {
  readonly keyword: string
  /** indices of the detectors that listed this keyword */
  readonly owners: readonly number[]
}

export interface KeywordIndex {
  /** For each detector index: the offsets where one of its keywords starts (ascending). */
  hits(text: string): readonly (readonly number[])[]
}

/** @param keywordSets one lower-case keyword list per detector (length ≥ 2 each) */
export function buildKeywordIndex(keywordSets: readonly (readonly string[])[]): KeywordIndex {
  const owners = new Map<string, number[]>()
  keywordSets.forEach((set, d) => {
    for (const kw of set) {
      const k = kw.toLowerCase()
      if (k.length < 2 || /[^\x20-\x7e]/.test(k))
        throw new BridgeError(ErrorCode.Internal, `detector keyword must be 2+ printable ascii characters`)
      const list = owners.get(k) ?? []
      if (!list.includes(d)) list.push(d)
      owners.set(k, list)
    }
  })
  const buckets: Entry[][] = []
  // every case variant of a keyword's first two characters maps to its bucket
  const pairs = new Int32Array(128 * 128).fill(-1)
  const variants = (c: number): number[] => (c >= 97 && c <= 122 ? [c, c - 32] : [c])
  for (const [keyword, list] of owners) {
    const k0 = keyword.charCodeAt(0)
    const k1 = keyword.charCodeAt(1)
    let b = pairs[(k0 << 7) | k1] ?? -1
    if (b < 0) {
      b = buckets.length
      buckets.push([])
      for (const a of variants(k0)) for (const c of variants(k1)) pairs[(a << 7) | c] = b
    }
    buckets[b]?.push({ keyword, owners: list })
  }
  const detectors = keywordSets.length
  return {
    hits(text) {
      const out: number[][] = Array.from({ length: detectors }, () => [])
      const n = text.length - 1
      let c1 = text.charCodeAt(0)
      for (let i = 0; i < n; i++) {
        const c0 = c1
        c1 = text.charCodeAt(i + 1)
        if ((c0 | c1) >= 128) continue
        const b = pairs[(c0 << 7) | c1] ?? -1
        if (b < 0) continue
        for (const e of buckets[b] ?? []) {
          if (matchesAt(text, i, e.keyword)) for (const d of e.owners) out[d]?.push(i)
        }
      }
      return out
    },
  }
}

function matchesAt(text: string, i: number, keyword: string): boolean {
  if (i + keyword.length > text.length) return false
  for (let k = 2; k < keyword.length; k++) {
    const c = text.charCodeAt(i + k)
    if (c >= 128 || FOLD[c] !== keyword.charCodeAt(k)) return false
  }
  return true
}
