import type { Condition } from "./kube/port.js"

/**
 * Replaces the condition of the same type. `lastTransitionTime` moves only when the status
 * flips, so a repeated error does not look like a new event.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: Omit<Condition, "lastTransitionTime">,
  now: Date,
): Condition[] {
  const old = conditions?.find((c) => c.type === next.type)
  const lastTransitionTime =
    old !== undefined && old.status === next.status ? old.lastTransitionTime : now.toISOString()
  return [...(conditions ?? []).filter((c) => c.type !== next.type), { ...next, lastTransitionTime }]
}

export function readyCondition(conditions: readonly Condition[] | undefined): Condition | undefined {
  return conditions?.find((c) => c.type === "Ready")
}

/** A transition worth an Event: the Ready status or reason changed. */
export function isTransition(before: Condition | undefined, after: Condition): boolean {
  return before === undefined || before.status !== after.status || before.reason !== after.reason
}
