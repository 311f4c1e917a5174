import type { RE2JS } from "re2js"
import type { FindQuery } from "./provider.js"
import { compileRe2 } from "./rewrite.js"

/**
 * The `dataFrom.find` filter every provider applies the same way: name starts with `path`, the
 * name matches `name` (RE2, unanchored like Go's MatchString) and every tag is present with its value.
 */
export interface FindMatcher {
  matches(name: string, tags?: Readonly<Record<string, string>>): boolean
}

export function findMatcher(query: FindQuery): FindMatcher {
  const re: RE2JS | null = query.name === undefined ? null : compileRe2(query.name, "find.name.regexp")
  const wanted = Object.entries(query.tags ?? {})
  return {
    matches(name, tags = {}) {
      if (query.path !== undefined && !name.startsWith(query.path)) return false
      if (re !== null && !re.matcher(name).find()) return false
      return wanted.every(([k, v]) => tags[k] === v)
    },
  }
}
