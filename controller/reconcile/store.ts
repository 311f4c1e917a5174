import { BridgeError, ErrorCode } from "../../src/index.js"
import { Kind, Reason } from "../api/constants.js"
import { parseStoreSpec } from "../api/parse-store.js"
import { resolveStoreConfig } from "../store-config.js"
import type { ControllerDeps, ObjectKey, ReconcileResult } from "./deps.js"
import { storeGeneration, storeKey } from "./store-access.js"
import { writeStatus, statusMessage } from "./status.js"

/**
 * A SecretStore or ClusterSecretStore is Ready when a real validation call through its provider
 * succeeds. Re-run every `storeRefreshMs`, which also re-reads referenced credentials.
 */
export async function reconcileStore(
  deps: ControllerDeps,
  key: ObjectKey,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const cluster = key.kind === Kind.ClusterSecretStore
  const kind = cluster ? Kind.ClusterSecretStore : Kind.SecretStore
  const poolKey = storeKey(kind, key.namespace, key.name)
  const obj = await deps.kube.getObject(kind, cluster ? undefined : key.namespace, key.name)
  if (obj === null) {
    await deps.pool.drop(poolKey)
    return {}
  }
  let spec
  try {
    spec = parseStoreSpec(obj.spec, cluster)
  } catch (err) {
    await writeStatus(
      deps,
      kind,
      obj,
      { ready: false, reason: Reason.InvalidProviderConfig, message: statusMessage(err) },
      {},
    )
    return {}
  }
  try {
    const config = await resolveStoreConfig(spec.provider, cluster ? undefined : key.namespace, deps.kube)
    const provider = await deps.pool.put(poolKey, storeGeneration(obj), config)
    await provider.validate({ signal: AbortSignal.any([signal, AbortSignal.timeout(deps.callTimeoutMs)]) })
  } catch (err) {
    const config =
      err instanceof BridgeError && (err.code === ErrorCode.Config || err.code === ErrorCode.NotFound)
    const reason = config ? Reason.InvalidProviderConfig : Reason.ValidationFailed
    await writeStatus(deps, kind, obj, { ready: false, reason, message: statusMessage(err) }, {})
    return { retry: true }
  }
  await writeStatus(
    deps,
    kind,
    obj,
    { ready: true, reason: Reason.StoreValidated, message: "store validated" },
    {},
  )
  return { requeueAfterMs: deps.storeRefreshMs }
}
