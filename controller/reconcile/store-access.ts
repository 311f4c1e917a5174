import type { SharedFetcher } from "../../src/index.js"
import { Kind, Reason } from "../api/constants.js"
import { namespaceAllowed, needsNamespaceLabels } from "../api/namespaces.js"
import { parseStoreSpec } from "../api/parse-store.js"
import type { StoreRef } from "../api/types.js"
import { readyCondition } from "../conditions.js"
import type { CustomObject } from "../kube/port.js"
import { resolveStoreConfig } from "../store-config.js"
import { statusMessage } from "./status.js"
import type { ControllerDeps } from "./deps.js"
import type { Outcome } from "./status.js"

export type StoreAccess =
  { readonly ok: true; readonly provider: SharedFetcher } | { readonly ok: false; readonly outcome: Outcome }

/** The pool key of a store: cluster stores have no namespace. */
export function storeKey(kind: StoreRef["kind"], namespace: string | undefined, name: string): string {
  return kind === "ClusterSecretStore" ? `${kind}/${name}` : `${kind}/${namespace ?? ""}/${name}`
}

export function storeGeneration(store: CustomObject): string {
  return `${store.metadata.uid}:${store.metadata.generation ?? 0}`
}

/**
 * The provider an ExternalSecret in `namespace` may use through `ref`. A SecretStore is looked up
 * in the ExternalSecret's own namespace only (so another namespace's store is unreachable); a
 * ClusterSecretStore must admit the namespace by its conditions; the store must be Ready (flood
 * gate: no provider call through a store that failed validation).
 */
export async function accessStore(
  deps: ControllerDeps,
  namespace: string,
  ref: StoreRef,
): Promise<StoreAccess> {
  const cluster = ref.kind === "ClusterSecretStore"
  const store = await deps.kube.getObject(
    cluster ? Kind.ClusterSecretStore : Kind.SecretStore,
    cluster ? undefined : namespace,
    ref.name,
  )
  const label = `${ref.kind} ${ref.name}`
  if (store === null)
    return deny(
      Reason.StoreNotFound,
      cluster ? `${label} not found` : `${label} not found in namespace ${namespace}`,
    )
  let spec
  try {
    spec = parseStoreSpec(store.spec, cluster)
  } catch (err) {
    return deny(Reason.StoreNotReady, `${label}: ${statusMessage(err)}`)
  }
  if (cluster) {
    const labels = needsNamespaceLabels(spec.conditions)
      ? ((await deps.kube.getNamespaceLabels(namespace)) ?? {})
      : {}
    if (!namespaceAllowed(spec.conditions, namespace, labels))
      return deny(Reason.StoreNotAllowed, `${label} does not admit namespace ${namespace}`)
  }
  const ready = readyCondition(store.status?.conditions)
  if (ready?.status !== "True" || ready.observedGeneration !== store.metadata.generation)
    return deny(
      Reason.StoreNotReady,
      `${label} is not ready${ready === undefined ? "" : `: ${ready.message}`}`,
    )
  const provider = await deps.pool.get(storeKey(ref.kind, namespace, ref.name), storeGeneration(store), () =>
    resolveStoreConfig(spec.provider, cluster ? undefined : namespace, deps.kube),
  )
  return { ok: true, provider }
}

function deny(reason: string, message: string): StoreAccess {
  return { ok: false, outcome: { ready: false, reason, message } }
}
