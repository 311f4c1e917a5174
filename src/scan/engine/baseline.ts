import { createHmac } from "node:crypto"
import { BridgeError, ErrorCode } from "../../errors.js"
import type { Finding } from "../finding.js"

/**
 * A baseline: findings accepted as known, stored as HMAC-SHA256(salt, fingerprint) so the file
 * reveals neither secrets nor the fingerprints (which a guess of a weak secret could confirm
 * without the salt). Rule and path are kept in clear so stale entries can be reported usefully.
 */
export interface Baseline {
  readonly version: 1
  readonly salt: string
  readonly entries: readonly BaselineEntry[]
}

export interface BaselineEntry {
  readonly hash: string
  readonly ruleId: string
  readonly path: string
}

export const keyedHash = (salt: string, fingerprint: string): string =>
  createHmac("sha256", Buffer.from(salt, "hex")).update(fingerprint).digest("hex")

export function makeBaseline(findings: readonly Finding[], salt: string): Baseline {
  const seen = new Map<string, BaselineEntry>()
  for (const f of findings) {
    const hash = keyedHash(salt, f.fingerprint)
    if (!seen.has(hash)) seen.set(hash, { hash, ruleId: f.ruleId, path: f.path })
  }
  const entries = [...seen.values()].sort(
    (a, b) =>
      a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId) || a.hash.localeCompare(b.hash),
  )
  return { version: 1, salt, entries }
}

export const formatBaseline = (b: Baseline): string => JSON.stringify(b, null, 2) + "\n"

/** @throws BridgeError CONFIG naming the file and the field */
export function parseBaseline(text: string, source: string): Baseline {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new BridgeError(ErrorCode.Config, `${source}: baseline is not valid json`, { cause: err })
  }
  const bad = (what: string): BridgeError =>
    new BridgeError(ErrorCode.Config, `${source}: baseline ${what}`, {
      hint: "write a new one with sealbridge scan --write-baseline FILE",
    })
  if (typeof raw !== "object" || raw === null) throw bad("must be an object")
  const o = raw as Record<string, unknown>
  if (o["version"] !== 1) throw bad("version must be 1")
  if (typeof o["salt"] !== "string" || !/^[0-9a-f]{32,}$/.test(o["salt"])) throw bad("salt must be hex")
  if (!Array.isArray(o["entries"])) throw bad("entries must be a list")
  const entries = o["entries"].map((e: unknown, i): BaselineEntry => {
    const r = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>
    const { hash, ruleId, path } = r
    if (typeof hash !== "string" || typeof ruleId !== "string" || typeof path !== "string")
      throw bad(`entries[${i}] needs hash, ruleId and path`)
    return { hash, ruleId, path }
  })
  return { version: 1, salt: o["salt"], entries }
}

/** Splits findings into new and baselined, and lists the baseline entries nothing matched (stale). */
export function applyBaseline(
  findings: readonly Finding[],
  b: Baseline,
): { fresh: Finding[]; suppressed: number; stale: BaselineEntry[] } {
  const byHash = new Map(b.entries.map((e) => [e.hash, e]))
  const used = new Set<string>()
  const fresh: Finding[] = []
  for (const f of findings) {
    const h = keyedHash(b.salt, f.fingerprint)
    if (byHash.has(h)) used.add(h)
    else fresh.push(f)
  }
  return {
    fresh,
    suppressed: findings.length - fresh.length,
    stale: b.entries.filter((e) => !used.has(e.hash)),
  }
}
