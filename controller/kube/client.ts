import type { KubeConfig } from "@kubernetes/client-node"
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from "@kubernetes/client-node"
import { BridgeError, ErrorCode } from "../../src/index.js"
import { FIELD_MANAGER, GROUP, Kind, Plural, VERSION } from "../api/constants.js"
import { LeaseClient } from "./lease-client.js"
import type {
  CustomObject,
  EventRef,
  KubeApi,
  LeaseApi,
  ResourceStatus,
  SecretApply,
  SecretObject,
} from "./port.js"

const CLUSTER_KINDS: ReadonlySet<string> = new Set([Kind.ClusterSecretStore])

/** HTTP status of a client-node ApiException (or undefined for transport errors). */
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === "number" ? code : undefined
}

export function kubeError(op: string, what: string, err: unknown): BridgeError {
  const code = statusCode(err)
  // 409/429/5xx and transport errors are worth retrying; 4xx are not going to fix themselves.
  const retryable = code === undefined || code === 409 || code === 429 || code >= 500
  return new BridgeError(
    ErrorCode.Kube,
    `kube ${op} ${what}: ${code === undefined ? "connection failed" : `HTTP ${code}`}`,
    {
      cause: err,
      retryable,
    },
  )
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p
  } catch (err) {
    if (statusCode(err) === 404) return null
    throw err
  }
}

/** The KubeApi port over @kubernetes/client-node 1.x (server-side apply for Secrets). */
export class ClientNodeKube implements KubeApi {
  readonly #core: CoreV1Api
  readonly #custom: CustomObjectsApi
  readonly #objects: KubernetesObjectApi
  readonly #apps: AppsV1Api
  readonly leases: LeaseApi

  constructor(kc: KubeConfig) {
    this.leases = new LeaseClient(kc)
    this.#apps = kc.makeApiClient(AppsV1Api)
    this.#core = kc.makeApiClient(CoreV1Api)
    this.#custom = kc.makeApiClient(CustomObjectsApi)
    this.#objects = KubernetesObjectApi.makeApiClient(kc)
  }

  async getObject(kind: Kind, namespace: string | undefined, name: string): Promise<CustomObject | null> {
    const base = { group: GROUP, version: VERSION, plural: Plural[kind], name }
    try {
      const p = CLUSTER_KINDS.has(kind)
        ? this.#custom.getClusterCustomObject(base)
        : this.#custom.getNamespacedCustomObject({ ...base, namespace: namespace ?? "" })
      return (await orNull(p as Promise<CustomObject>)) ?? null
    } catch (err) {
      throw kubeError("get", `${kind} ${namespace ?? ""}/${name}`, err)
    }
  }

  async listObjects(kind: Kind, namespace: string | undefined): Promise<readonly CustomObject[]> {
    const base = { group: GROUP, version: VERSION, plural: Plural[kind] }
    try {
      const list = (await (namespace === undefined || CLUSTER_KINDS.has(kind)
        ? this.#custom.listClusterCustomObject(base)
        : this.#custom.listNamespacedCustomObject({ ...base, namespace }))) as { items: CustomObject[] }
      return list.items
    } catch (err) {
      throw kubeError("list", kind, err)
    }
  }

  async getSecret(namespace: string, name: string): Promise<SecretObject | null> {
    try {
      const s = await orNull(this.#core.readNamespacedSecret({ namespace, name }))
      return s === null ? null : toSecretObject(s)
    } catch (err) {
      throw kubeError("get", `Secret ${namespace}/${name}`, err)
    }
  }

  async applySecret(s: SecretApply): Promise<SecretObject> {
    const body: V1Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: s.name,
        namespace: s.namespace,
        labels: { ...s.labels },
        annotations: { ...s.annotations },
        ownerReferences: s.ownerReferences.map((r) => ({ ...r })),
      },
      ...(s.type === undefined ? {} : { type: s.type }),
      data: { ...s.data },
      ...(s.immutable === true ? { immutable: true } : {}),
    }
    try {
      // force: take over fields another manager (a human's kubectl edit) changed — that is drift.
      const out = await this.#objects.patch(
        body,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      )
      return toSecretObject(out)
    } catch (err) {
      throw kubeError("apply", `Secret ${s.namespace}/${s.name}`, err)
    }
  }

  async deleteSecret(namespace: string, name: string, uid: string): Promise<void> {
    try {
      await orNull(this.#core.deleteNamespacedSecret({ namespace, name, body: { preconditions: { uid } } }))
    } catch (err) {
      if (statusCode(err) === 409) return // a different Secret of that name now: not ours to delete
      throw kubeError("delete", `Secret ${namespace}/${name}`, err)
    }
  }

  async patchStatus(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    status: ResourceStatus,
  ): Promise<void> {
    const base = { group: GROUP, version: VERSION, plural: Plural[kind], name, body: { status } }
    const opts = setHeaderOptions("Content-Type", PatchStrategy.MergePatch)
    try {
      await (CLUSTER_KINDS.has(kind)
        ? this.#custom.patchClusterCustomObjectStatus(base, opts)
        : this.#custom.patchNamespacedCustomObjectStatus({ ...base, namespace: namespace ?? "" }, opts))
    } catch (err) {
      if (statusCode(err) === 404) return // deleted meanwhile
      throw kubeError("patch status", `${kind} ${namespace ?? ""}/${name}`, err)
    }
  }

  async annotatePodTemplate(
    kind: "Deployment" | "StatefulSet" | "DaemonSet",
    namespace: string,
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<boolean> {
    const req = { name, namespace, body: { spec: { template: { metadata: { annotations } } } } }
    const opts = setHeaderOptions("Content-Type", PatchStrategy.MergePatch)
    try {
      await (kind === "Deployment"
        ? this.#apps.patchNamespacedDeployment(req, opts)
        : kind === "StatefulSet"
          ? this.#apps.patchNamespacedStatefulSet(req, opts)
          : this.#apps.patchNamespacedDaemonSet(req, opts))
      return true
    } catch (err) {
      if (statusCode(err) === 404) return false
      throw kubeError("patch", `${kind} ${namespace}/${name}`, err)
    }
  }

  async getServiceAccountAnnotations(
    namespace: string,
    name: string,
  ): Promise<Readonly<Record<string, string>> | null> {
    try {
      const sa = await orNull(this.#core.readNamespacedServiceAccount({ namespace, name }))
      return sa === null ? null : (sa.metadata?.annotations ?? {})
    } catch (err) {
      throw kubeError("get", `ServiceAccount ${namespace}/${name}`, err)
    }
  }

  async getNamespaceLabels(name: string): Promise<Readonly<Record<string, string>> | null> {
    try {
      const ns = await orNull(this.#core.readNamespace({ name }))
      return ns === null ? null : (ns.metadata?.labels ?? {})
    } catch (err) {
      throw kubeError("get", `Namespace ${name}`, err)
    }
  }

  async createToken(
    namespace: string,
    serviceAccount: string,
    audiences: readonly string[],
    seconds: number,
  ): Promise<string> {
    try {
      const tr = await this.#core.createNamespacedServiceAccountToken({
        namespace,
        name: serviceAccount,
        body: { spec: { audiences: [...audiences], expirationSeconds: seconds } },
      })
      const token = tr.status?.token
      if (token === undefined) throw new Error("TokenRequest returned no token")
      return token
    } catch (err) {
      throw kubeError("create token for", `ServiceAccount ${namespace}/${serviceAccount}`, err)
    }
  }

  async recordEvent(
    ref: EventRef,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): Promise<void> {
    const now = new Date()
    const namespace = ref.namespace ?? "default"
    await this.#core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { generateName: `${ref.name}.`, namespace },
        involvedObject: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: ref.kind,
          name: ref.name,
          uid: ref.uid,
          ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
        },
        reason,
        message,
        type,
        source: { component: "sealbridge" },
        reportingComponent: "sealbridge.dev/controller",
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    })
  }
}

function toSecretObject(s: V1Secret): SecretObject {
  const m = s.metadata ?? {}
  return {
    metadata: {
      name: m.name ?? "",
      ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
      uid: m.uid ?? "",
      ...(m.resourceVersion === undefined ? {} : { resourceVersion: m.resourceVersion }),
      ...(m.labels === undefined ? {} : { labels: m.labels }),
      ...(m.annotations === undefined ? {} : { annotations: m.annotations }),
      ...(m.ownerReferences === undefined
        ? {}
        : {
            ownerReferences: m.ownerReferences.map((r) => ({
              apiVersion: r.apiVersion,
              kind: r.kind,
              name: r.name,
              uid: r.uid,
              ...(r.controller === undefined ? {} : { controller: r.controller }),
            })),
          }),
    },
    ...(s.type === undefined ? {} : { type: s.type }),
    ...(s.data === undefined ? {} : { data: s.data }),
    ...(s.immutable === undefined ? {} : { immutable: s.immutable }),
  }
}
