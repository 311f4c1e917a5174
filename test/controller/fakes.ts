import { MemoryProvider, type StoreConfig } from "../../src/index.js"
import { Kind } from "../../controller/api/constants.js"
import { reconcileStore } from "../../controller/reconcile/store.js"
import type {
  CustomObject,
  EventRef,
  KubeApi,
  LeaseApi,
  LeaseRecord,
  LeaseSpec,
  ResourceStatus,
  SecretApply,
  SecretObject,
} from "../../controller/kube/port.js"
import type { ControllerDeps, LogFields } from "../../controller/reconcile/deps.js"
import { ProviderPool } from "../../controller/provider-pool.js"
import { esoValueOps } from "../../controller/value-ops.js"

/** In-memory Kubernetes: objects by kind/namespace/name, server-side apply per field manager, call log. */
export class FakeKube implements KubeApi {
  readonly objects = new Map<string, CustomObject>()
  readonly secrets = new Map<string, SecretObject>()
  /** Keys/labels/annotations last applied by the controller per Secret (SSA ownership). */
  readonly #owned = new Map<string, { data: string[]; labels: string[]; annotations: string[] }>()
  readonly events: { ref: EventRef; type: string; reason: string; message: string }[] = []
  readonly calls: string[] = []
  readonly namespaces = new Map<string, Record<string, string>>()
  readonly tokens: { namespace: string; sa: string; audiences: readonly string[] }[] = []
  #uid = 0
  #rv = 0

  put(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    spec: unknown,
    extra: Partial<CustomObject["metadata"]> = {},
  ): CustomObject {
    const old = this.objects.get(objKey(kind, namespace, name))
    const obj: CustomObject = {
      apiVersion: "sealbridge.dev/v1alpha1",
      kind,
      metadata: {
        name,
        ...(namespace === undefined ? {} : { namespace }),
        uid: old?.metadata.uid ?? `uid-${++this.#uid}`,
        generation:
          (old?.metadata.generation ?? 0) +
          (old === undefined || JSON.stringify(old.spec) !== JSON.stringify(spec) ? 1 : 0),
        resourceVersion: String(++this.#rv),
        ...extra,
      },
      spec,
      ...(old?.status === undefined ? {} : { status: old.status }),
    }
    this.objects.set(objKey(kind, namespace, name), obj)
    return obj
  }

  status(kind: Kind, namespace: string | undefined, name: string): ResourceStatus {
    return this.objects.get(objKey(kind, namespace, name))?.status ?? {}
  }

  ready(
    kind: Kind,
    namespace: string | undefined,
    name: string,
  ): { status: string; reason: string; message: string } | undefined {
    return this.status(kind, namespace, name).conditions?.find((c) => c.type === "Ready")
  }

  /** Someone else writes the Secret (a human's `kubectl edit`). */
  putSecret(
    namespace: string,
    name: string,
    data: Record<string, string>,
    meta: Partial<SecretObject["metadata"]> = {},
  ): void {
    const old = this.secrets.get(`${namespace}/${name}`)
    const wire = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    )
    this.secrets.set(`${namespace}/${name}`, {
      ...old,
      metadata: {
        ...old?.metadata,
        name,
        namespace,
        uid: old?.metadata.uid ?? `uid-${++this.#uid}`,
        ...meta,
      },
      data: wire,
    })
  }

  secretText(namespace: string, name: string): Record<string, string> | undefined {
    const s = this.secrets.get(`${namespace}/${name}`)
    if (s === undefined) return undefined
    return Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    )
  }

  getObject(kind: Kind, namespace: string | undefined, name: string): Promise<CustomObject | null> {
    this.calls.push(`get ${kind}`)
    return Promise.resolve(structuredClone(this.objects.get(objKey(kind, namespace, name)) ?? null))
  }

  listObjects(kind: Kind, namespace: string | undefined): Promise<readonly CustomObject[]> {
    return Promise.resolve(
      [...this.objects.values()].filter(
        (o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace),
      ),
    )
  }

  getSecret(namespace: string, name: string): Promise<SecretObject | null> {
    this.calls.push("get Secret")
    return Promise.resolve(structuredClone(this.secrets.get(`${namespace}/${name}`) ?? null))
  }

  applySecret(s: SecretApply): Promise<SecretObject> {
    this.calls.push("apply Secret")
    const id = `${s.namespace}/${s.name}`
    const old = this.secrets.get(id)
    const owned = this.#owned.get(id) ?? { data: [], labels: [], annotations: [] }
    const prune = (
      m: Readonly<Record<string, string>> | undefined,
      prev: string[],
      next: Readonly<Record<string, string>>,
    ) => {
      const out: Record<string, string> = { ...m }
      for (const k of prev) if (!(k in next)) delete out[k]
      return { ...out, ...next }
    }
    const secret: SecretObject = {
      metadata: {
        name: s.name,
        namespace: s.namespace,
        uid: old?.metadata.uid ?? `uid-${++this.#uid}`,
        labels: prune(old?.metadata.labels, owned.labels, s.labels),
        annotations: prune(old?.metadata.annotations, owned.annotations, s.annotations),
        ownerReferences: s.ownerReferences,
      },
      type: s.type ?? old?.type ?? "Opaque",
      data: prune(old?.data, owned.data, s.data),
      ...(s.immutable === true || old?.immutable === true ? { immutable: true } : {}),
    }
    this.#owned.set(id, {
      data: Object.keys(s.data),
      labels: Object.keys(s.labels),
      annotations: Object.keys(s.annotations),
    })
    this.secrets.set(id, secret)
    return Promise.resolve(structuredClone(secret))
  }

  deleteSecret(namespace: string, name: string, uid: string): Promise<void> {
    this.calls.push("delete Secret")
    if (this.secrets.get(`${namespace}/${name}`)?.metadata.uid === uid) {
      this.secrets.delete(`${namespace}/${name}`)
      this.#owned.delete(`${namespace}/${name}`)
    }
    return Promise.resolve()
  }

  deleteSecretAsUser(namespace: string, name: string): void {
    this.secrets.delete(`${namespace}/${name}`)
    this.#owned.delete(`${namespace}/${name}`)
  }

  patchStatus(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    status: ResourceStatus,
  ): Promise<void> {
    this.calls.push(`status ${kind}`)
    const obj = this.objects.get(objKey(kind, namespace, name))
    if (obj !== undefined)
      this.objects.set(objKey(kind, namespace, name), { ...obj, status: structuredClone(status) })
    return Promise.resolve()
  }

  getNamespaceLabels(name: string): Promise<Readonly<Record<string, string>> | null> {
    return Promise.resolve(this.namespaces.get(name) ?? null)
  }

  createToken(namespace: string, sa: string, audiences: readonly string[]): Promise<string> {
    this.tokens.push({ namespace, sa, audiences })
    return Promise.resolve(`token-for-${namespace}-${sa}`)
  }

  /** ServiceAccounts ("ns/name") and their annotations. */
  readonly serviceAccounts = new Map<string, Record<string, string>>()
  getServiceAccountAnnotations(namespace: string, name: string): Promise<Record<string, string> | null> {
    return Promise.resolve(this.serviceAccounts.get(`${namespace}/${name}`) ?? null)
  }

  recordEvent(ref: EventRef, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    this.events.push({ ref, type, reason, message })
    return Promise.resolve()
  }

  /** Existing workloads ("Kind/ns/name") and the pod-template annotations patched onto them. */
  readonly workloads = new Map<string, Record<string, string>[]>()
  annotatePodTemplate(
    kind: string,
    namespace: string,
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<boolean> {
    this.calls.push(`patch ${kind} ${namespace}/${name}`)
    const patches = this.workloads.get(`${kind}/${namespace}/${name}`)
    patches?.push({ ...annotations })
    return Promise.resolve(patches !== undefined)
  }
  /** Leases by "namespace/name"; resourceVersion bumps on every write, as on the API server. */
  readonly leaseRecords = new Map<string, LeaseRecord>()
  /** Lease calls in order ("get ns/name", "create …", "update …", "conflict …"). */
  readonly leaseCalls: string[] = []
  /** Every later lease call throws this (API server unreachable); undefined heals it. */
  leaseError: Error | undefined
  /** Every later lease call never answers (a hung connection) while true. */
  leaseHang = false
  #leaseRv = 0

  #leaseFault(call: string): Promise<never> | undefined {
    this.leaseCalls.push(call)
    if (this.leaseHang) return new Promise<never>(() => undefined)
    if (this.leaseError !== undefined) return Promise.reject(this.leaseError)
    return undefined
  }

  readonly leases: LeaseApi = {
    get: (namespace, name) => this.#getLease(namespace, name),
    create: (namespace, name, spec) => this.#createLease(namespace, name, spec),
    update: (namespace, name, spec, rv) => this.#updateLease(namespace, name, spec, rv),
  }

  #getLease(namespace: string, name: string): Promise<LeaseRecord | null> {
    const id = `${namespace}/${name}`
    return (
      this.#leaseFault(`get ${id}`) ?? Promise.resolve(structuredClone(this.leaseRecords.get(id) ?? null))
    )
  }

  #createLease(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseRecord | null> {
    const id = `${namespace}/${name}`
    const fault = this.#leaseFault(`create ${id}`)
    if (fault !== undefined) return fault
    if (this.leaseRecords.has(id)) return Promise.resolve(null)
    return Promise.resolve(this.writeLease(namespace, name, spec))
  }

  #updateLease(
    namespace: string,
    name: string,
    spec: LeaseSpec,
    resourceVersion: string,
  ): Promise<LeaseRecord | null> {
    const id = `${namespace}/${name}`
    const fault = this.#leaseFault(`update ${id}`)
    if (fault !== undefined) return fault
    if (this.leaseRecords.get(id)?.resourceVersion !== resourceVersion) {
      this.leaseCalls.push(`conflict ${id}`)
      return Promise.resolve(null)
    }
    return Promise.resolve(this.writeLease(namespace, name, spec))
  }

  /** Writes a Lease as another replica would (no conflict check). */
  writeLease(namespace: string, name: string, spec: LeaseSpec): LeaseRecord {
    const rec = { ...spec, resourceVersion: String(++this.#leaseRv) }
    this.leaseRecords.set(`${namespace}/${name}`, rec)
    return structuredClone(rec)
  }
}

function objKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`
}

/** The memory provider with test conveniences: JSON values, a total call count. */
export class TestProvider extends MemoryProvider {
  readonly #keys = new Set<string>()

  put(key: string, value: string | object): this {
    this.#keys.add(key)
    return this.set(key, typeof value === "string" ? value : JSON.stringify(value))
  }

  clear(): void {
    for (const k of this.#keys) this.delete(k)
  }

  get total(): number {
    const c = this.calls
    return c.get + c.getMap + c.find + c.validate
  }

  /** Every later call fails with `err`; `failWith(undefined)` heals it. */
  failWith(err: Error | undefined): void {
    this.fail(err === undefined ? undefined : () => err)
  }
}

export class FakeClock {
  t = Date.parse("2026-01-01T00:00:00Z")
  readonly now = (): Date => new Date(this.t)
  advance(ms: number): void {
    this.t += ms
  }
  /** The same time for the fetch layer; sleeping advances it (virtual time, no real wait). */
  readonly fetchClock = {
    now: (): number => this.t,
    sleep: (ms: number): Promise<void> => {
      this.t += ms
      return Promise.resolve()
    },
  }
}

export interface Harness {
  readonly kube: FakeKube
  readonly provider: TestProvider
  readonly clock: FakeClock
  readonly deps: ControllerDeps
  readonly logs: string[]
  readonly configs: StoreConfig[]
}

export function harness(): Harness {
  const kube = new FakeKube()
  const provider = new TestProvider()
  const clock = new FakeClock()
  const logs: string[] = []
  const configs: StoreConfig[] = []
  const log = (level: string) => (msg: string, fields?: LogFields) =>
    void logs.push(JSON.stringify({ level, msg, ...fields }))
  const pool = new ProviderPool(
    (config) => {
      configs.push(config)
      return Promise.resolve(provider)
    },
    { now: clock.now, env: {} },
    { clock: clock.fetchClock, windowMs: 30_000 },
  )
  const deps: ControllerDeps = {
    kube,
    pool,
    ops: esoValueOps,
    hmacKey: new Uint8Array(32).fill(7),
    openers: [],
    now: clock.now,
    random: () => 0,
    refreshPhase: () => 0,
    log: { info: log("info"), warn: log("warn"), error: log("error") },
    lastApplied: new Map(),
    storeRefreshMs: 300_000,
    callTimeoutMs: 5_000,
  }
  return { kube, provider, clock, deps, logs, configs }
}

/** A namespaced Vault SecretStore (token auth) reconciled to Ready in the fake cluster. */
export async function readyVaultStore(h: Harness, ns: string, name: string, deps = h.deps): Promise<void> {
  h.kube.putSecret(ns, "tok", { token: "t" })
  h.kube.put(Kind.SecretStore, ns, name, {
    provider: {
      vault: {
        server: "http://127.0.0.1:8200",
        path: "secret",
        auth: { tokenSecretRef: { name: "tok", key: "token" } },
      },
    },
  })
  await reconcileStore(deps, { kind: Kind.SecretStore, namespace: ns, name }, new AbortController().signal)
}
