import { Kind } from "./api/constants.js"
import { isObj } from "./api/fields.js"
import type { WatchedObject } from "./kube/watch.js"

/**
 * Which ExternalSecrets depend on which store and which own which target Secret, kept from the
 * watch stream so a store turning Ready, or a Secret being edited, enqueues exactly its
 * dependents. Read loosely: a broken spec still gets reconciled (and reports why).
 */
export class RefIndex {
  readonly #byStore = new Map<string, Set<string>>()
  readonly #byTarget = new Map<string, Set<string>>()
  readonly #of = new Map<string, { store?: string; target?: string }>()

  /** Records (or, with `deleted`, forgets) an ExternalSecret or SopsSecret. */
  update(kind: Kind, obj: WatchedObject & { spec?: unknown }, deleted: boolean): void {
    const ns = obj.metadata?.namespace ?? ""
    const name = obj.metadata?.name ?? ""
    const key = workKey(kind, ns, name)
    this.#remove(key)
    if (deleted) return
    const spec = isObj(obj.spec) ? obj.spec : {}
    const target =
      isObj(spec["target"]) && typeof spec["target"]["name"] === "string" ? spec["target"]["name"] : name
    const entry: { store?: string; target?: string } = { target: `${ns}/${target}` }
    if (kind === Kind.ExternalSecret && isObj(spec["secretStoreRef"])) {
      const ref = spec["secretStoreRef"]
      const cluster = ref["kind"] === Kind.ClusterSecretStore
      entry.store = cluster
        ? workKey(Kind.ClusterSecretStore, "", String(ref["name"]))
        : workKey(Kind.SecretStore, ns, String(ref["name"]))
    }
    this.#of.set(key, entry)
    if (entry.store !== undefined) add(this.#byStore, entry.store, key)
    if (entry.target !== undefined) add(this.#byTarget, entry.target, key)
  }

  dependentsOfStore(storeKey: string): readonly string[] {
    return [...(this.#byStore.get(storeKey) ?? [])]
  }

  /** The store an ExternalSecret's spec names (its work key), if known. */
  storeOf(key: string): string | undefined {
    return this.#of.get(key)?.store
  }

  ownersOfSecret(namespace: string, name: string): readonly string[] {
    return [...(this.#byTarget.get(`${namespace}/${name}`) ?? [])]
  }

  #remove(key: string): void {
    const old = this.#of.get(key)
    if (old === undefined) return
    this.#of.delete(key)
    if (old.store !== undefined) this.#byStore.get(old.store)?.delete(key)
    if (old.target !== undefined) this.#byTarget.get(old.target)?.delete(key)
  }
}

function add(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k)
  if (s === undefined) m.set(k, (s = new Set()))
  s.add(v)
}

/** Work-queue key: kind/namespace/name (namespace empty for cluster-scoped kinds). */
export function workKey(kind: Kind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`
}

export function parseWorkKey(key: string): { kind: Kind; namespace: string; name: string } {
  const [kind, namespace, name] = key.split("/") as [Kind, string, string]
  return { kind, namespace, name }
}
