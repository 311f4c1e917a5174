import { createHash } from "node:crypto"
import { RefreshPolicy, type ExternalSecretSpec } from "./api/types.js"
import type { CustomObject } from "./kube/port.js"

/**
 * ESO's "resource version" of an ExternalSecret: generation plus a hash of labels and
 * annotations, so editing the force-sync annotation (or any label) counts as a change.
 */
export function resourceVersionOf(obj: CustomObject): string {
  const meta = obj.metadata
  const annotations = { ...meta.annotations }
  delete annotations["kubectl.kubernetes.io/last-applied-configuration"]
  const h = createHash("sha256")
  h.update(JSON.stringify([sorted(meta.labels ?? {}), sorted(annotations)]))
  return `${meta.generation ?? 0}-${h.digest("hex").slice(0, 16)}`
}

function sorted(m: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Whether the provider must be read now. Persisted `status.refreshTime` drives it, so a
 * controller restart does not re-poll everything (the KES lesson).
 */
export function refreshDue(obj: CustomObject, spec: ExternalSecretSpec, now: Date): boolean {
  const status = obj.status
  const synced = status?.refreshTime !== undefined && status.syncedResourceVersion !== undefined
  if (!synced) return true
  const changed = status.syncedResourceVersion !== resourceVersionOf(obj)
  switch (spec.refreshPolicy) {
    case RefreshPolicy.CreatedOnce:
      return false
    case RefreshPolicy.OnChange:
      return changed
    case RefreshPolicy.Periodic:
      if (changed) return true
      if (spec.refreshIntervalMs === 0) return false
      return now.getTime() >= Date.parse(status.refreshTime ?? "") + spec.refreshIntervalMs
  }
}

/**
 * Milliseconds until the next periodic refresh, plus up to 10% of the interval (at most 5 min)
 * of jitter so refreshes that started together drift apart. undefined: nothing periodic.
 */
export function nextRefreshIn(
  spec: ExternalSecretSpec,
  refreshTime: string | undefined,
  now: Date,
  random: () => number,
): number | undefined {
  if (spec.refreshPolicy !== RefreshPolicy.Periodic || spec.refreshIntervalMs === 0) return undefined
  const last = refreshTime === undefined ? now.getTime() : Date.parse(refreshTime)
  const due = Math.max(0, last + spec.refreshIntervalMs - now.getTime())
  const jitter = Math.floor(random() * Math.min(spec.refreshIntervalMs * 0.1, 300_000))
  return due + jitter
}
