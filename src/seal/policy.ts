import { RE2JS } from "re2js"
import type { TreePath } from "../tree/path.js"
import { DEFAULT_UNENCRYPTED_SUFFIX, RuleKind, type SelectionRule } from "./metadata-types.js"

/** Decides which leaves and comments are sealed (spec §4). */
export interface Policy {
  shouldSeal(path: TreePath, comments: readonly (readonly string[])[], isComment: boolean): boolean
}

/**
 * Builds the policy for one stored rule; null means sops' default `unencrypted_suffix: _unencrypted`.
 * Regexes are Go RE2 with unanchored search; an invalid pattern matches nothing, as in sops.
 */
export function policyFor(rule: SelectionRule | null): Policy {
  const r = rule ?? { kind: RuleKind.UnencryptedSuffix, value: DEFAULT_UNENCRYPTED_SUFFIX }
  switch (r.kind) {
    case RuleKind.UnencryptedSuffix:
      return { shouldSeal: (path) => !path.some((k) => k.endsWith(r.value)) }
    case RuleKind.EncryptedSuffix:
      return { shouldSeal: (path) => path.some((k) => k.endsWith(r.value)) }
    case RuleKind.UnencryptedRegex: {
      const test = matcher(r.value)
      return { shouldSeal: (path) => !path.some(test) }
    }
    case RuleKind.EncryptedRegex: {
      const test = matcher(r.value)
      return { shouldSeal: (path) => path.some(test) }
    }
    case RuleKind.UnencryptedCommentRegex: {
      const test = matcher(r.value)
      return { shouldSeal: (_path, comments) => !comments.some((level) => level.some(test)) }
    }
    case RuleKind.EncryptedCommentRegex: {
      const test = matcher(r.value)
      return {
        shouldSeal: (_path, comments, isComment) =>
          comments.some((level, i) => {
            // The marker comment itself stays readable: skip the leaf comment's own entry.
            const own = isComment && i === comments.length - 1
            return (own ? level.slice(0, -1) : level).some(test)
          }),
      }
    }
  }
}

function matcher(pattern: string): (s: string) => boolean {
  let re: RE2JS
  try {
    re = RE2JS.compile(pattern)
  } catch {
    return () => false
  }
  return (s) => re.matcher(s).find()
}
