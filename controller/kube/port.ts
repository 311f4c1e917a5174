import type { Kind } from "../api/constants.js"

/**
 * The narrow Kubernetes port the reconcilers use: only the calls they make, so an in-memory fake
 * can stand in for unit tests and the client-node adapter (kube/client.ts) for the real thing.
 * Secret `data` values are base64 strings, as on the wire.
 */

export interface OwnerReference {
  readonly apiVersion: string
  readonly kind: string
  readonly name: string
  readonly uid: string
  readonly controller?: boolean
  readonly blockOwnerDeletion?: boolean
}

export interface ObjectMeta {
  readonly name: string
  readonly namespace?: string
  readonly uid: string
  readonly generation?: number
  readonly resourceVersion?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  readonly ownerReferences?: readonly OwnerReference[]
  readonly deletionTimestamp?: string
}

export interface Condition {
  readonly type: string
  readonly status: "True" | "False" | "Unknown"
  readonly reason: string
  readonly message: string
  readonly lastTransitionTime: string
  readonly observedGeneration?: number
}

export interface ResourceStatus {
  readonly conditions?: readonly Condition[]
  readonly refreshTime?: string
  readonly syncedResourceVersion?: string
  readonly observedGeneration?: number
  readonly binding?: { readonly name: string }
}

export interface CustomObject {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: ObjectMeta
  readonly spec?: unknown
  readonly status?: ResourceStatus
}

export interface SecretObject {
  readonly metadata: ObjectMeta
  readonly type?: string
  readonly data?: Readonly<Record<string, string>>
  readonly immutable?: boolean
}

/** What the controller applies (server-side apply, field manager `sealbridge`): only its own fields. */
export interface SecretApply {
  readonly name: string
  readonly namespace: string
  readonly type?: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly ownerReferences: readonly OwnerReference[]
  readonly data: Readonly<Record<string, string>>
  readonly immutable?: boolean
}

export interface EventRef {
  readonly kind: Kind
  readonly name: string
  readonly namespace?: string
  readonly uid: string
}

/** A coordination.k8s.io/v1 Lease's spec (times as MicroTime text, six fraction digits). */
export interface LeaseSpec {
  /** "" when released. */
  readonly holderIdentity: string
  readonly leaseDurationSeconds: number
  readonly acquireTime: string
  readonly renewTime: string
  readonly leaseTransitions: number
}

/** A Lease as read: its spec and the resourceVersion a replace must name (optimistic concurrency). */
export interface LeaseRecord extends LeaseSpec {
  readonly resourceVersion: string
}

export interface KubeApi {
  /** null when absent. `namespace` undefined for cluster-scoped kinds. */
  getObject(kind: Kind, namespace: string | undefined, name: string): Promise<CustomObject | null>
  /** Every object of a kind in a namespace (all namespaces when undefined). */
  listObjects(kind: Kind, namespace: string | undefined): Promise<readonly CustomObject[]>
  getSecret(namespace: string, name: string): Promise<SecretObject | null>
  applySecret(secret: SecretApply): Promise<SecretObject>
  /** Deletes only the object with this uid (precondition), so a recreated Secret is never hit. */
  deleteSecret(namespace: string, name: string, uid: string): Promise<void>
  patchStatus(kind: Kind, namespace: string | undefined, name: string, status: ResourceStatus): Promise<void>
  /** null when the namespace does not exist. */
  getNamespaceLabels(name: string): Promise<Readonly<Record<string, string>> | null>
  /** TokenRequest for a service account; the token is never logged. */
  createToken(
    namespace: string,
    serviceAccount: string,
    audiences: readonly string[],
    seconds: number,
  ): Promise<string>
  /** A ServiceAccount's annotations (IRSA's role ARN and audience); null when it does not exist. */
  getServiceAccountAnnotations(
    namespace: string,
    name: string,
  ): Promise<Readonly<Record<string, string>> | null>
  recordEvent(ref: EventRef, type: "Normal" | "Warning", reason: string, message: string): Promise<void>
  /**
   * Sets pod-template annotations of a Deployment/StatefulSet/DaemonSet (what `kubectl rollout
   * restart` does); false when the workload does not exist.
   */
  annotatePodTemplate(
    kind: "Deployment" | "StatefulSet" | "DaemonSet",
    namespace: string,
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<boolean>
  /** The Lease calls of leader election: never cached or counted by wrappers (see LeaseApi). */
  readonly leases: LeaseApi
}

/**
 * Leader election's Lease calls, a port of their own so that wrappers of KubeApi (the informer
 * cache, request counting) hand them through unchanged: a cached or stale Lease would break the
 * election.
 */
export interface LeaseApi {
  /** The Lease; null when it does not exist. */
  get(namespace: string, name: string): Promise<LeaseRecord | null>
  /** Creates the Lease; null when it exists already (another replica created it first). */
  create(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseRecord | null>
  /**
   * Replaces the Lease if it is still at `resourceVersion`; null on a conflict (HTTP 409: another
   * replica wrote it first, the race is lost).
   */
  update(
    namespace: string,
    name: string,
    spec: LeaseSpec,
    resourceVersion: string,
  ): Promise<LeaseRecord | null>
}
