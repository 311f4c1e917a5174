import { CoordinationV1Api, type KubeConfig, type V1Lease } from "@kubernetes/client-node"
import { kubeError, statusCode } from "./client.js"
import type { LeaseRecord, LeaseSpec } from "./port.js"

/**
 * The Lease calls of the KubeApi port over client-node's CoordinationV1Api. Times travel as
 * strings: client-node 1.x would serialize a Date with three fraction digits, which the API
 * server refuses for a MicroTime (it wants six).
 */
export class LeaseClient {
  readonly #api: CoordinationV1Api

  constructor(kc: KubeConfig) {
    this.#api = kc.makeApiClient(CoordinationV1Api)
  }

  async get(namespace: string, name: string): Promise<LeaseRecord | null> {
    try {
      return toRecord(await this.#api.readNamespacedLease({ namespace, name }))
    } catch (err) {
      if (statusCode(err) === 404) return null
      throw kubeError("get", `Lease ${namespace}/${name}`, err)
    }
  }

  async create(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseRecord | null> {
    try {
      return toRecord(
        await this.#api.createNamespacedLease({ namespace, body: body(namespace, name, spec, undefined) }),
      )
    } catch (err) {
      if (statusCode(err) === 409) return null
      throw kubeError("create", `Lease ${namespace}/${name}`, err)
    }
  }

  async update(
    namespace: string,
    name: string,
    spec: LeaseSpec,
    resourceVersion: string,
  ): Promise<LeaseRecord | null> {
    try {
      const b = body(namespace, name, spec, resourceVersion)
      return toRecord(await this.#api.replaceNamespacedLease({ namespace, name, body: b }))
    } catch (err) {
      if (statusCode(err) === 409) return null
      throw kubeError("update", `Lease ${namespace}/${name}`, err)
    }
  }
}

function body(
  namespace: string,
  name: string,
  spec: LeaseSpec,
  resourceVersion: string | undefined,
): V1Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    // MicroTime text as is (see the class comment); the generated type says Date.
    spec: { ...spec } as unknown as NonNullable<V1Lease["spec"]>,
  }
}

function toRecord(l: V1Lease): LeaseRecord {
  const s = l.spec ?? {}
  const text = (t: unknown): string => (t instanceof Date ? t.toISOString() : typeof t === "string" ? t : "")
  return {
    holderIdentity: s.holderIdentity ?? "",
    leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
    acquireTime: text(s.acquireTime),
    renewTime: text(s.renewTime),
    leaseTransitions: s.leaseTransitions ?? 0,
    resourceVersion: l.metadata?.resourceVersion ?? "",
  }
}
