import { BridgeError, ErrorCode, redact, safeMessage } from "../../src/index.js"
import { Reason, type Kind } from "../api/constants.js"
import { isTransition, readyCondition, setCondition } from "../conditions.js"
import type { CustomObject, ResourceStatus } from "../kube/port.js"
import type { ControllerDeps, ReconcileResult } from "./deps.js"

export interface Outcome {
  readonly ready: boolean
  readonly reason: string
  readonly message: string
}

/**
 * Writes `status` only when it changed, and records an Event only when the Ready condition
 * transitions (status or reason), never on every sync.
 */
export async function writeStatus(
  deps: ControllerDeps,
  kind: Kind,
  obj: CustomObject,
  outcome: Outcome,
  extra: Omit<ResourceStatus, "conditions" | "observedGeneration">,
): Promise<void> {
  deps.onOutcome?.(kind, obj.metadata.namespace, obj.metadata.name, outcome)
  const before = obj.status ?? {}
  const generation = obj.metadata.generation ?? 0
  const conditions = setCondition(
    before.conditions,
    {
      type: "Ready",
      status: outcome.ready ? "True" : "False",
      reason: outcome.reason,
      message: outcome.message,
      observedGeneration: generation,
    },
    deps.now(),
  )
  const next: ResourceStatus = { ...before, ...extra, conditions, observedGeneration: generation }
  // Key order differs between what the API server returns and what is built here.
  if (canonical(next) === canonical(before)) return
  const { namespace, name, uid } = obj.metadata
  await deps.kube.patchStatus(kind, namespace, name, next)
  const after = readyCondition(conditions)
  if (after !== undefined && isTransition(readyCondition(before.conditions), after)) {
    const ref = { kind, name, uid, ...(namespace === undefined ? {} : { namespace }) }
    await deps.kube
      .recordEvent(ref, outcome.ready ? "Normal" : "Warning", outcome.reason, outcome.message)
      .catch((err: unknown) =>
        deps.log.warn("event not recorded", { kind, namespace, name, error: safeMessage(err) }),
      )
  }
  const level = outcome.ready ? "info" : "warn"
  deps.log[level]("status", {
    kind,
    namespace,
    name,
    ready: outcome.ready,
    reason: outcome.reason,
    message: outcome.message,
  })
}

/** A redacted one-line message for status, events and logs (our own errors without a class prefix). */
export function statusMessage(err: unknown): string {
  return err instanceof BridgeError ? redact(err.message) : safeMessage(err)
}

/** Maps a failure to the Ready reason and whether retrying can help. Messages are redacted. */
export function classify(err: unknown): Outcome & { readonly retry: boolean } {
  const message = statusMessage(err)
  if (err instanceof BridgeError) {
    switch (err.code) {
      case ErrorCode.NotFound:
        return { ready: false, reason: Reason.SecretNotFound, message, retry: true }
      case ErrorCode.AccessDenied:
        return { ready: false, reason: Reason.AccessDenied, message, retry: true }
      case ErrorCode.Config:
        return { ready: false, reason: Reason.InvalidSpec, message, retry: false }
      default:
        break
    }
  }
  return { ready: false, reason: Reason.SecretSyncedError, message, retry: true }
}

export function failed(retry: boolean): ReconcileResult {
  return retry ? { retry: true } : {}
}

/** JSON with object keys sorted, for order-insensitive comparison. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val !== null && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : val,
  )
}
