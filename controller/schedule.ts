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
export function refreshDue(obj: CustomObject, spec: ExternalSecretSpec, now: Date, phaseMs: number): boolean {
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
      return now.getTime() >= nextSlot(Date.parse(status.refreshTime ?? ""), spec.refreshIntervalMs, phaseMs)
  }
}

/**
 * Milliseconds until the next periodic refresh; undefined: nothing periodic. Refreshes fall on a
 * grid (`phase + k·interval`) instead of `last + interval + random jitter`: objects naming the
 * same remote secret share a phase, so they come due together and share one provider call for
 * ever (random jitter would make them drift apart cycle by cycle), while different remote
 * secrets get different phases, which spreads the load as jitter would.
 */
export function nextRefreshIn(
  spec: ExternalSecretSpec,
  refreshTime: string | undefined,
  now: Date,
  phaseMs: number,
): number | undefined {
  if (spec.refreshPolicy !== RefreshPolicy.Periodic || spec.refreshIntervalMs === 0) return undefined
  const last = refreshTime === undefined ? now.getTime() : Date.parse(refreshTime)
  return Math.max(0, nextSlot(last, spec.refreshIntervalMs, phaseMs) - now.getTime())
}

/**
 * The first grid point more than half an interval after `last`: once on the grid an object
 * stays there (exactly one interval apart, whatever the queue delay was); a new one joins the
 * grid within 0.5-1.5 intervals.
 */
export function nextSlot(last: number, intervalMs: number, phaseMs: number): number {
  const k = Math.floor((last + intervalMs / 2 - phaseMs) / intervalMs) + 1
  return phaseMs + k * intervalMs
}

/** Every remote key an ExternalSecret names (find queries by their path). */
export function remoteKeys(spec: ExternalSecretSpec): string[] {
  const keys = spec.data.map((d) => d.remoteRef.key)
  for (const e of spec.dataFrom) keys.push(e.kind === "extract" ? e.extract.key : `find:${e.find.path ?? ""}`)
  return keys
}

/** The grid phase: a hash of the store and the first remote key, so sharers line up. */
export function refreshPhase(spec: ExternalSecretSpec, namespace: string): number {
  if (spec.refreshIntervalMs <= 0) return 0
  const ref = spec.secretStoreRef
  const store = ref.kind === "ClusterSecretStore" ? ref.name : `${namespace}/${ref.name}`
  const first = remoteKeys(spec).sort()[0] ?? ""
  const h = createHash("sha256").update(`${ref.kind}\0${store}\0${first}`).digest()
  return h.readUInt32BE(0) % spec.refreshIntervalMs
}
