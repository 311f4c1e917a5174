import {
  BridgeError,
  ErrorCode,
  type FindQuery,
  type RemoteRef,
  type SecretProvider,
  type StoreConfig,
} from "../../src/index.js"
import type { Kind } from "../../controller/api/constants.js"
import type { ValueOps } from "../../controller/fetch.js"
import type {
  CustomObject,
  EventRef,
  KubeApi,
  ResourceStatus,
  SecretApply,
  SecretObject,
} from "../../controller/kube/port.js"
import type { ControllerDeps, LogFields } from "../../controller/reconcile/deps.js"
import { ProviderPool } from "../../controller/provider-pool.js"

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

  recordEvent(ref: EventRef, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    this.events.push({ ref, type, reason, message })
    return Promise.resolve()
  }
}

function objKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`
}

/** A provider over a Map, counting calls; `fail` makes every call throw that error. */
export class FakeProvider implements SecretProvider {
  readonly name = "fake"
  readonly values = new Map<string, string>()
  calls = 0
  fail: BridgeError | undefined

  set(key: string, value: string | object): void {
    this.values.set(key, typeof value === "string" ? value : JSON.stringify(value))
  }

  #read(key: string): Uint8Array {
    this.calls++
    if (this.fail !== undefined) throw this.fail
    const v = this.values.get(key)
    if (v === undefined) throw new BridgeError(ErrorCode.NotFound, `secret ${key} not found`)
    return new TextEncoder().encode(v)
  }

  get(ref: RemoteRef): Promise<Uint8Array> {
    return Promise.resolve().then(() => this.#read(ref.key))
  }

  getMap(ref: RemoteRef): Promise<ReadonlyMap<string, Uint8Array>> {
    return this.get(ref).then((b) => {
      const o = JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>
      return new Map(
        Object.entries(o).map(([k, v]) => [
          k,
          new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v)),
        ]),
      )
    })
  }

  find(q: FindQuery): Promise<ReadonlyMap<string, Uint8Array>> {
    return Promise.resolve().then(() => {
      this.calls++
      if (this.fail !== undefined) throw this.fail
      const re = q.name === undefined ? undefined : new RegExp(q.name)
      const out = new Map<string, Uint8Array>()
      for (const [k, v] of this.values)
        if ((q.path === undefined || k.startsWith(q.path)) && (re === undefined || re.test(k)))
          out.set(k, new TextEncoder().encode(v))
      return out
    })
  }

  validate(): Promise<void> {
    return Promise.resolve().then(() => {
      this.calls++
      if (this.fail !== undefined) throw this.fail
    })
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

/** Top-level JSON property only, base64 decoding, regexp rewrite: enough to drive the reconcile logic. */
export const fakeOps: ValueOps = {
  property(value, path, source) {
    const o = JSON.parse(new TextDecoder().decode(value)) as Record<string, unknown>
    const v = o[path]
    if (v === undefined) throw new BridgeError(ErrorCode.NotFound, `${source}: property ${path} not found`)
    return new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v))
  },
  decode(value, strategy) {
    return strategy === "Base64"
      ? new Uint8Array(Buffer.from(new TextDecoder().decode(value), "base64"))
      : value
  },
  rewrite(data, rules) {
    const out = new Map<string, Uint8Array>()
    for (const [k, v] of data)
      out.set(
        rules.reduce((key, r) => key.replace(new RegExp(r.regexp.source, "g"), r.regexp.target), k),
        v,
      )
    return out
  },
}

export class FakeClock {
  t = Date.parse("2026-01-01T00:00:00Z")
  readonly now = (): Date => new Date(this.t)
  advance(ms: number): void {
    this.t += ms
  }
}

export interface Harness {
  readonly kube: FakeKube
  readonly provider: FakeProvider
  readonly clock: FakeClock
  readonly deps: ControllerDeps
  readonly logs: string[]
  readonly configs: StoreConfig[]
}

export function harness(): Harness {
  const kube = new FakeKube()
  const provider = new FakeProvider()
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
  )
  const deps: ControllerDeps = {
    kube,
    pool,
    ops: fakeOps,
    hmacKey: new Uint8Array(32).fill(7),
    openers: [],
    now: clock.now,
    random: () => 0,
    log: { info: log("info"), warn: log("warn"), error: log("error") },
    lastApplied: new Map(),
    storeRefreshMs: 300_000,
    callTimeoutMs: 5_000,
  }
  return { kube, provider, clock, deps, logs, configs }
}
