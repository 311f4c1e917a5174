import { RE2JS } from "re2js"
import type { LabelSelector, NamespaceCondition } from "./types.js"

/**
 * Whether a namespace may use a ClusterSecretStore: no conditions = every namespace; otherwise
 * any one condition must match (within a condition, every given field must match), as in ESO.
 */
export function namespaceAllowed(
  conditions: readonly NamespaceCondition[],
  namespace: string,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (conditions.length === 0) return true
  return conditions.some((c) => {
    if (c.namespaces !== undefined && !c.namespaces.includes(namespace)) return false
    if (
      c.namespaceRegexes !== undefined &&
      !c.namespaceRegexes.some((r) => RE2JS.compile(r).matcher(namespace).find())
    )
      return false
    if (c.namespaceSelector !== undefined && !selectorMatches(c.namespaceSelector, labels)) return false
    return true
  })
}

export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false
  return sel.matchExpressions.every((e) => {
    const has = Object.hasOwn(labels, e.key)
    switch (e.operator) {
      case "Exists":
        return has
      case "DoesNotExist":
        return !has
      case "In":
        return has && e.values.includes(labels[e.key] ?? "")
      case "NotIn":
        return !has || !e.values.includes(labels[e.key] ?? "")
    }
  })
}

/** Whether conditions read namespace labels (so the caller fetches them only when needed). */
export function needsNamespaceLabels(conditions: readonly NamespaceCondition[]): boolean {
  return conditions.some((c) => c.namespaceSelector !== undefined)
}
