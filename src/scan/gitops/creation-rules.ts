import { RE2JS } from "re2js"
import type { ParsedRule, SopsConfig } from "../../config/sops-config.js"
import type { GitopsContext } from "./types.js"

const dirOf = (p: string): string => {
  const i = p.lastIndexOf("/")
  return i === -1 ? "" : p.slice(0, i)
}

/** The `.sops.yaml` sops would use for a repo-relative path: the nearest one in its ancestors. */
export function configFor(ctx: GitopsContext, path: string): SopsConfig | null {
  let best: SopsConfig | null = null
  let bestLen = -1
  for (const c of ctx.sopsConfigs) {
    const dir = dirOf(c.path)
    const under = dir === "" || path.startsWith(dir + "/")
    if (under && dir.length > bestLen) {
      best = c
      bestLen = dir.length
    }
  }
  return best
}

export interface RuleMatch {
  readonly config: SopsConfig
  readonly rule: ParsedRule
  readonly index: number
}

/**
 * The first creation rule matching `path` (relative to the config's directory, RE2 unanchored
 * search, as the CLI matches when sealing). null: no config or no rule matches.
 */
export function creationRuleFor(ctx: GitopsContext, path: string): RuleMatch | null {
  const config = configFor(ctx, path)
  if (config === null) return null
  const dir = dirOf(config.path)
  const subject = dir === "" ? path : path.slice(dir.length + 1)
  for (const [index, rule] of config.rules.entries()) {
    if (rule.pathRegex === null || matches(rule.pathRegex, subject)) return { config, rule, index }
  }
  return null
}

const compiled = new Map<string, RE2JS | null>()
function matches(pattern: string, subject: string): boolean {
  let re = compiled.get(pattern)
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern)
    } catch {
      re = null
    }
    compiled.set(pattern, re)
  }
  return re !== null && re.matcher(subject).find()
}
