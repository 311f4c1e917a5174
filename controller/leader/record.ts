import type { LeaseRecord, LeaseSpec } from "../kube/port.js"

/** A Lease's MicroTime text: RFC 3339 with six fraction digits (the API server refuses three). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000Z")
}

/** Two reads of a Lease are the same record when nothing was written in between. */
export function sameRecord(a: LeaseRecord | undefined, b: LeaseRecord): boolean {
  return a !== undefined && a.resourceVersion === b.resourceVersion && a.renewTime === b.renewTime
}

/**
 * What a candidate writes to take or keep the Lease. A renewal keeps acquireTime and the
 * transition count; a take-over counts one more transition.
 */
export function desiredSpec(
  old: LeaseRecord | undefined,
  identity: string,
  leaseDurationSeconds: number,
  nowMs: number,
): LeaseSpec {
  const now = microTime(nowMs)
  const renewing = old !== undefined && old.holderIdentity === identity
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: renewing ? old.acquireTime : now,
    renewTime: now,
    leaseTransitions: old === undefined ? 0 : renewing ? old.leaseTransitions : old.leaseTransitions + 1,
  }
}

/**
 * What a leader writes when it stops cleanly: no holder and a one-second duration, so the next
 * candidate takes over at its next try instead of waiting out the lease (client-go's
 * ReleaseOnCancel).
 */
export function releasedSpec(old: LeaseRecord, nowMs: number): LeaseSpec {
  return {
    holderIdentity: "",
    leaseDurationSeconds: 1,
    acquireTime: microTime(nowMs),
    renewTime: microTime(nowMs),
    leaseTransitions: old.leaseTransitions,
  }
}
