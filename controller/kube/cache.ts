import type { Kind } from "../api/constants.js"
import type {
  CustomObject,
  EventRef,
  KubeApi,
  LeaseApi,
  ResourceStatus,
  SecretApply,
  SecretObject,
} from "./port.js"

/** What a cache is kept for: the four kinds, and the Secrets the controller owns (label-selected). */
export type CachedKind = Kind | "Secret"

interface Meta {
  readonly metadata?: {
    readonly name?: string
    readonly namespace?: string
    readonly resourceVersion?: string
  }
}

const rv = (o: Meta): string | undefined => o.metadata?.resourceVersion

const id = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`

/**
 * The informer store: every object the watches deliver, by kind and namespace/name. Only
 * Secrets the controller owns are ever put here (their watch is label-selected), so the data
 * of other Secrets is never held. A kind counts as synced once each of its watches has listed.
 */
export class ObjectCache {
  readonly #objects = new Map<CachedKind, Map<string, unknown>>()
  readonly #pending = new Map<CachedKind, Set<string>>()
  readonly #expected = new Set<CachedKind>()

  /** Registers a watch (scope = its namespace, or "" for all) that must list before `kind` is served. */
  expect(kind: CachedKind, scope: string): void {
    this.#expected.add(kind)
    let s = this.#pending.get(kind)
    if (s === undefined) this.#pending.set(kind, (s = new Set()))
    s.add(scope)
  }

  synced(kind: CachedKind): boolean {
    return this.#expected.has(kind) && (this.#pending.get(kind)?.size ?? 0) === 0
  }

  /**
   * A (re-)list of one watch: replaces what that scope held. Returns what is new or changed
   * (by resourceVersion) and what vanished meanwhile, so a periodic re-list enqueues only those.
   */
  replace(kind: CachedKind, scope: string, items: readonly Meta[]): { changed: Meta[]; removed: Meta[] } {
    const m = this.#map(kind)
    const before = new Map<string, Meta>()
    for (const [k, v] of m)
      if (scope === "" || k.startsWith(`${scope}/`)) {
        before.set(k, v as Meta)
        m.delete(k)
      }
    const changed: Meta[] = []
    for (const o of items) {
      const name = o.metadata?.name
      if (name === undefined) continue
      const k = id(o.metadata?.namespace, name)
      const old = before.get(k)
      before.delete(k)
      if (old === undefined || rv(old) !== rv(o) || rv(o) === undefined) changed.push(o)
      m.set(k, o)
    }
    this.#pending.get(kind)?.delete(scope)
    return { changed, removed: [...before.values()] }
  }

  put(kind: CachedKind, obj: Meta): void {
    const name = obj.metadata?.name
    if (name !== undefined) this.#map(kind).set(id(obj.metadata?.namespace, name), obj)
  }

  remove(kind: CachedKind, namespace: string | undefined, name: string): void {
    this.#map(kind).delete(id(namespace, name))
  }

  get<T>(kind: CachedKind, namespace: string | undefined, name: string): T | undefined {
    return this.#map(kind).get(id(namespace, name)) as T | undefined
  }

  size(kind: CachedKind): number {
    return this.#map(kind).size
  }

  #map(kind: CachedKind): Map<string, unknown> {
    let m = this.#objects.get(kind)
    if (m === undefined) this.#objects.set(kind, (m = new Map<string, unknown>()))
    return m
  }
}

/**
 * The KubeApi port with reads served from the watch caches once they are synced, so steady
 * state makes no GETs. Writes go to the API server and are written through (status, applied
 * Secrets), so a reconcile right after one does not act on its own stale copy. A Secret that is
 * not in the owned-Secrets cache (first creation, a Merge target someone else made) is read
 * from the API server: the cache only knows Secrets carrying the managed label.
 */
export class CachedKube implements KubeApi {
  readonly #inner: KubeApi
  readonly #cache: ObjectCache
  /** Requests that reached the API server, by verb (metrics: steady state should show none). */
  readonly requests = {
    get: 0,
    list: 0,
    apply: 0,
    delete: 0,
    patchStatus: 0,
    createToken: 0,
    event: 0,
    patchWorkload: 0,
  }

  constructor(inner: KubeApi, cache: ObjectCache) {
    this.#inner = inner
    this.#cache = cache
  }

  async getObject(kind: Kind, namespace: string | undefined, name: string): Promise<CustomObject | null> {
    if (this.#cache.synced(kind)) {
      const hit = this.#cache.get<CustomObject>(kind, namespace, name)
      // Handed out as a copy: reconcilers must not change what the cache holds.
      return hit === undefined ? null : structuredClone(hit)
    }
    this.requests.get++
    return this.#inner.getObject(kind, namespace, name)
  }

  listObjects(kind: Kind, namespace: string | undefined): Promise<readonly CustomObject[]> {
    this.requests.list++
    return this.#inner.listObjects(kind, namespace)
  }

  async getSecret(namespace: string, name: string): Promise<SecretObject | null> {
    if (this.#cache.synced("Secret")) {
      const hit = this.#cache.get<SecretObject>("Secret", namespace, name)
      if (hit !== undefined) return structuredClone(hit)
    }
    this.requests.get++
    return this.#inner.getSecret(namespace, name)
  }

  async applySecret(secret: SecretApply): Promise<SecretObject> {
    this.requests.apply++
    const out = await this.#inner.applySecret(secret)
    this.#cache.put("Secret", out)
    return out
  }

  async deleteSecret(namespace: string, name: string, uid: string): Promise<void> {
    this.requests.delete++
    await this.#inner.deleteSecret(namespace, name, uid)
    const held = this.#cache.get<SecretObject>("Secret", namespace, name)
    if (held?.metadata.uid === uid) this.#cache.remove("Secret", namespace, name)
  }

  async patchStatus(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    status: ResourceStatus,
  ): Promise<void> {
    this.requests.patchStatus++
    await this.#inner.patchStatus(kind, namespace, name, status)
    const held = this.#cache.get<CustomObject>(kind, namespace, name)
    if (held === undefined) return
    const updated: CustomObject = { ...held, status }
    this.#cache.put(kind, updated)
  }

  getServiceAccountAnnotations(
    namespace: string,
    name: string,
  ): Promise<Readonly<Record<string, string>> | null> {
    this.requests.get++
    return this.#inner.getServiceAccountAnnotations(namespace, name)
  }

  getNamespaceLabels(name: string): Promise<Readonly<Record<string, string>> | null> {
    this.requests.get++
    return this.#inner.getNamespaceLabels(name)
  }

  createToken(
    namespace: string,
    serviceAccount: string,
    audiences: readonly string[],
    seconds: number,
  ): Promise<string> {
    this.requests.createToken++
    return this.#inner.createToken(namespace, serviceAccount, audiences, seconds)
  }

  annotatePodTemplate(
    kind: "Deployment" | "StatefulSet" | "DaemonSet",
    namespace: string,
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<boolean> {
    this.requests.patchWorkload++
    return this.#inner.annotatePodTemplate(kind, namespace, name, annotations)
  }

  recordEvent(ref: EventRef, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    this.requests.event++
    return this.#inner.recordEvent(ref, type, reason, message)
  }

  // Leases are the elector's, not the reconcilers': passed through, not counted in `requests`
  // (the elector has its own metric), never cached (a stale lease would break the election).
  get leases(): LeaseApi {
    return this.#inner.leases
  }
}
