import ignore, { type Ignore } from "ignore"
import { parse as parseYaml } from "yaml"
import { BridgeError, ErrorCode } from "../../errors.js"

export const SCAN_CONFIG_FILE = ".sealbridge-scan.yaml"

/** `.sealbridge-scan.yaml`: what a repository accepts, checked into the repository. */
export interface ScanConfig {
  /** gitignore-syntax patterns of paths never scanned (fixtures, vendored code). */
  readonly allowPaths: readonly string[]
  /** Rule ids never reported. */
  readonly allowRules: readonly string[]
  /** Rule ids never reported under given path patterns. */
  readonly allowRulesIn: readonly { readonly rules: readonly string[]; readonly paths: readonly string[] }[]
  /** Files larger than this are skipped and counted. */
  readonly maxFileBytes: number
}

export const defaultScanConfig: ScanConfig = {
  allowPaths: [],
  allowRules: [],
  allowRulesIn: [],
  maxFileBytes: 5 * 1024 * 1024,
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)

/** @throws BridgeError CONFIG naming the field */
export function parseScanConfig(text: string, source: string): ScanConfig {
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (err) {
    throw new BridgeError(ErrorCode.Config, `${source}: not valid yaml`, { cause: err })
  }
  if (raw === null || raw === undefined) return defaultScanConfig
  if (!isObj(raw)) throw new BridgeError(ErrorCode.Config, `${source}: top level must be a mapping`)
  const allow = raw["allow"] ?? {}
  if (!isObj(allow)) throw new BridgeError(ErrorCode.Config, `${source}: allow: must be a mapping`)
  const strings = (v: unknown, where: string): string[] => {
    if (v === undefined || v === null) return []
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
      throw new BridgeError(ErrorCode.Config, `${source}: ${where}: must be a list of strings`)
    return v
  }
  const scoped = allow["rules-in"] ?? []
  if (!Array.isArray(scoped))
    throw new BridgeError(ErrorCode.Config, `${source}: allow.rules-in: must be a list`)
  const allowRulesIn = scoped.map((e: unknown, i) => {
    if (!isObj(e))
      throw new BridgeError(ErrorCode.Config, `${source}: allow.rules-in[${i}]: must be a mapping`)
    return {
      rules: strings(e["rules"], `allow.rules-in[${i}].rules`),
      paths: strings(e["paths"], `allow.rules-in[${i}].paths`),
    }
  })
  const max = raw["max-file-size"]
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max <= 0))
    throw new BridgeError(ErrorCode.Config, `${source}: max-file-size: must be a positive number of bytes`)
  return {
    allowPaths: strings(allow["paths"], "allow.paths"),
    allowRules: strings(allow["rules"], "allow.rules"),
    allowRulesIn,
    maxFileBytes: max ?? defaultScanConfig.maxFileBytes,
  }
}

/** Compiled allowlists. */
export interface Allowlist {
  pathAllowed(path: string): boolean
  ruleAllowed(ruleId: string, path: string): boolean
}

export function allowlistOf(c: ScanConfig): Allowlist {
  const paths: Ignore = ignore().add([...c.allowPaths])
  const rules = new Set(c.allowRules)
  const scoped = c.allowRulesIn.map((s) => ({ rules: new Set(s.rules), paths: ignore().add([...s.paths]) }))
  const safe = (p: string): string => p.replace(/^\.?\/+/, "")
  return {
    pathAllowed: (p) => safe(p) !== "" && paths.ignores(safe(p)),
    ruleAllowed: (r, p) =>
      rules.has(r) || scoped.some((s) => s.rules.has(r) && safe(p) !== "" && s.paths.ignores(safe(p))),
  }
}
