import { Kind } from "./api/constants.js"
import { isObj } from "./api/fields.js"
import { readyCondition } from "./conditions.js"
import type { ObjectCache } from "./kube/cache.js"
import type { CustomObject, SecretObject } from "./kube/port.js"
import { Lane } from "./ready-set.js"
import { parseWorkKey, type RefIndex } from "./refs.js"
import { liveMatchesHash } from "./render.js"
import { resourceVersionOf } from "./schedule.js"

/**
 * The lane of a work key, decided from the watch caches when the key becomes ready (level-based,
 * whatever event or timer queued it): urgent when the object is new or changed since its last
 * sync, or its Secret is missing or no longer what the controller wrote; periodic otherwise (a
 * refresh came due, a status echo). Unknown objects are urgent: the reconcile that forgets them
 * is cheap.
 */
export function laneOf(cache: ObjectCache, hmacKey: Uint8Array, key: string): Lane {
  const k = parseWorkKey(key)
  const obj = cache.get<CustomObject>(k.kind, k.namespace === "" ? undefined : k.namespace, k.name)
  if (obj === undefined) return Lane.Urgent
  switch (k.kind) {
    case Kind.ExternalSecret: {
      const st = obj.status
      if (st?.refreshTime === undefined || st.syncedResourceVersion !== resourceVersionOf(obj))
        return Lane.Urgent
      return targetLane(cache, hmacKey, obj)
    }
    case Kind.SopsSecret:
      if (obj.status?.syncedResourceVersion !== String(obj.metadata.generation ?? 0)) return Lane.Urgent
      return targetLane(cache, hmacKey, obj)
    case Kind.SecretStore:
    case Kind.ClusterSecretStore: {
      const ready = readyCondition(obj.status?.conditions)
      return ready?.observedGeneration === obj.metadata.generation ? Lane.Periodic : Lane.Urgent
    }
  }
}

/** Urgent when the target Secret is gone or drifted (its keyed data hash no longer matches). */
function targetLane(cache: ObjectCache, hmacKey: Uint8Array, obj: CustomObject): Lane {
  const spec = isObj(obj.spec) ? obj.spec : {}
  const target = isObj(spec["target"]) ? spec["target"] : {}
  if (target["creationPolicy"] === "None") return Lane.Periodic
  const name = typeof target["name"] === "string" ? target["name"] : obj.metadata.name
  const live = cache.get<SecretObject>("Secret", obj.metadata.namespace, name) ?? null
  return liveMatchesHash(live, hmacKey) ? Lane.Periodic : Lane.Urgent
}

/**
 * The store a work key's reconcile calls, the unit of the per-store concurrency cap: an
 * ExternalSecret's store (from the watched spec), a store itself (its validation call);
 * SopsSecrets have none.
 */
export function storeOfKey(refs: RefIndex, key: string): string | undefined {
  const k = parseWorkKey(key)
  if (k.kind === Kind.SecretStore || k.kind === Kind.ClusterSecretStore) return key
  if (k.kind === Kind.ExternalSecret) return refs.storeOf(key)
  return undefined
}
