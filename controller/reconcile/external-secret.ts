import { Kind, Reason } from "../api/constants.js"
import { parseExternalSecretSpec } from "../api/parse-external-secret.js"
import { CreationPolicy, DeletionPolicy, type ExternalSecretSpec } from "../api/types.js"
import { fetchAll } from "../fetch.js"
import { withMaxAge } from "../provider-pool.js"
import type { CustomObject, SecretObject } from "../kube/port.js"
import { liveMatchesHash } from "../render.js"
import { nextRefreshIn, refreshDue, refreshPhase, remoteKeys, resourceVersionOf } from "../schedule.js"
import { applyTarget, buildDesired, ownedByOther } from "./target.js"
import type { ControllerDeps, ObjectKey, ReconcileResult } from "./deps.js"
import { accessStore } from "./store-access.js"
import { classify, failed, writeStatus, type Outcome, statusMessage } from "./status.js"

/**
 * One level-based pass over an ExternalSecret: re-read it, decide whether the provider must be
 * read (refresh due) or only the Secret repaired (drift, from the last applied state), write only
 * on real change, and record status. Provider errors leave the last good Secret in place.
 */
export async function reconcileExternalSecret(
  deps: ControllerDeps,
  key: ObjectKey,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const ns = key.namespace ?? ""
  const obj = await deps.kube.getObject(Kind.ExternalSecret, ns, key.name)
  if (obj === null) {
    deps.lastApplied.delete(`${ns}/${key.name}`)
    return {} // Owner targets are garbage-collected through their ownerReference
  }
  if (obj.metadata.deletionTimestamp !== undefined) return {}
  let spec: ExternalSecretSpec
  try {
    spec = parseExternalSecretSpec(obj.spec, obj.metadata.name)
  } catch (err) {
    await writeStatus(
      deps,
      Kind.ExternalSecret,
      obj,
      { ready: false, reason: Reason.InvalidSpec, message: statusMessage(err) },
      {},
    )
    return {}
  }
  const binding = { binding: { name: spec.target.name } }
  const now = deps.now()
  const live =
    spec.target.creationPolicy === CreationPolicy.None
      ? null
      : await deps.kube.getSecret(ns, spec.target.name)
  if (spec.target.creationPolicy === CreationPolicy.Owner && ownedByOther(live, obj.metadata.uid)) {
    const outcome = {
      ready: false,
      reason: Reason.TargetOwnedByOther,
      message: `Secret ${spec.target.name} is controlled by another object`,
    }
    await writeStatus(deps, Kind.ExternalSecret, obj, outcome, binding)
    return {}
  }
  const rv = resourceVersionOf(obj)
  const phase = (deps.refreshPhase ?? refreshPhase)(spec, ns)
  const next = () => nextRefreshIn(spec, obj.status?.refreshTime, now, phase)
  if (!refreshDue(obj, spec, now, phase)) {
    if (targetValid(deps, spec, live)) return requeue(next())
    const last = deps.lastApplied.get(`${ns}/${key.name}`)
    if (last !== undefined && last.uid === obj.metadata.uid && last.resourceVersion === rv) {
      // Drift (edited or deleted Secret): put back what was last applied, no provider call.
      await deps.kube.applySecret(last.secret)
      deps.log.info("drift repaired", {
        kind: Kind.ExternalSecret,
        namespace: ns,
        name: key.name,
        secret: spec.target.name,
      })
      return requeue(next())
    }
  }
  return sync(deps, obj, spec, live, phase, signal)
}

async function sync(
  deps: ControllerDeps,
  obj: CustomObject,
  spec: ExternalSecretSpec,
  live: SecretObject | null,
  phase: number,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const ns = obj.metadata.namespace ?? ""
  const binding = { binding: { name: spec.target.name } }
  const fail = async (outcome: Outcome, retry: boolean): Promise<ReconcileResult> => {
    await writeStatus(deps, Kind.ExternalSecret, obj, outcome, binding)
    return failed(retry)
  }
  try {
    const access = await accessStore(deps, ns, spec.secretStoreRef)
    if (!access.ok) return await fail(access.outcome, true)
    const fetcher = access.provider
    // A throttled store is paused as a whole: wait it out without holding a worker.
    const paused = fetcher.limiter.pausedFor()
    if (paused > 0) return { requeueAfterMs: paused + Math.floor(deps.random() * 1_000) }
    // A changed object (force-sync annotation, spec edit) must see fresh values, not the window's.
    const synced = obj.status?.syncedResourceVersion
    if (synced !== undefined && synced !== resourceVersionOf(obj))
      for (const k of remoteKeys(spec)) fetcher.invalidate(k)
    const callSignal = AbortSignal.any([signal, AbortSignal.timeout(deps.callTimeoutMs)])
    // Within one interval an object never reuses an answer older than half of it.
    const maxAge = spec.refreshIntervalMs > 0 ? spec.refreshIntervalMs / 2 : Infinity
    const fetched = await fetchAll(spec, withMaxAge(fetcher, maxAge), deps.ops, callSignal)
    const now = deps.now()
    const done = { ...binding, refreshTime: now.toISOString(), syncedResourceVersion: resourceVersionOf(obj) }
    const next = nextRefreshIn(spec, done.refreshTime, now, phase)
    if (
      fetched.total > 0 &&
      fetched.missing === fetched.total &&
      spec.target.deletionPolicy === DeletionPolicy.Delete
    ) {
      if (live !== null && !ownedByOther(live, obj.metadata.uid))
        await deps.kube.deleteSecret(ns, spec.target.name, live.metadata.uid)
      deps.lastApplied.delete(`${ns}/${obj.metadata.name}`)
      const msg = `every remote secret is gone; Secret ${spec.target.name} deleted (deletionPolicy Delete)`
      await writeStatus(
        deps,
        Kind.ExternalSecret,
        obj,
        { ready: true, reason: Reason.SecretDeleted, message: msg },
        done,
      )
      return requeue(next)
    }
    const desired = buildDesired(deps, obj, spec, fetched.data)
    if (!desired.ok) return await fail(desired.outcome, false)
    const applied = await applyTarget(deps, obj, spec, live, desired.secret)
    if (!applied.ok) return await fail(applied.outcome, applied.retry)
    const message =
      spec.target.creationPolicy === CreationPolicy.None
        ? "secret read (creationPolicy None: nothing written)"
        : "secret synced"
    await writeStatus(
      deps,
      Kind.ExternalSecret,
      obj,
      { ready: true, reason: Reason.SecretSynced, message },
      done,
    )
    return requeue(next)
  } catch (err) {
    const c = classify(err)
    deps.log.warn("sync failed", {
      kind: Kind.ExternalSecret,
      namespace: ns,
      name: obj.metadata.name,
      reason: c.reason,
      error: c.message,
    })
    return await fail(c, c.retry)
  }
}

/** Whether the target still matches what the controller wrote (hash check, no provider call). */
function targetValid(deps: ControllerDeps, spec: ExternalSecretSpec, live: SecretObject | null): boolean {
  if (spec.target.creationPolicy === CreationPolicy.None) return true
  return liveMatchesHash(live, deps.hmacKey)
}

function requeue(ms: number | undefined): ReconcileResult {
  return ms === undefined ? {} : { requeueAfterMs: ms }
}
