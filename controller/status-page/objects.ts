import { Kind } from "../api/constants.js"
import type { WatchedObject } from "../kube/watch.js"

/** What the status page reads of a watched resource: metadata, spec and status as the API gave them. */
export interface StatusObject extends WatchedObject {
  readonly spec?: unknown
  readonly status?: unknown
}

const SHOWN: ReadonlySet<string> = new Set([
  Kind.ExternalSecret,
  Kind.SopsSecret,
  Kind.SecretStore,
  Kind.ClusterSecretStore,
])

/**
 * The latest copy of every store, ExternalSecret and SopsSecret the watches deliver, so the page
 * costs no API call. Secrets are never kept here: the page must not be able to show a value.
 */
export class StatusObjects {
  readonly #byKey = new Map<string, { readonly kind: Kind; readonly obj: StatusObject }>()

  update(kind: Kind | "Secret", obj: StatusObject, deleted: boolean): void {
    if (!SHOWN.has(kind)) return
    const key = `${kind}/${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`
    if (deleted) this.#byKey.delete(key)
    else this.#byKey.set(key, { kind: kind as Kind, obj })
  }

  list(): readonly { readonly kind: Kind; readonly obj: StatusObject }[] {
    return [...this.#byKey.values()]
  }
}
