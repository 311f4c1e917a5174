import type { KeyOpener } from "../../src/index.js"
import type { Kind } from "../api/constants.js"
import type { ExternalSecretSpec, RolloutTarget } from "../api/types.js"
import type { ValueOps } from "../fetch.js"
import type { KubeApi, SecretApply } from "../kube/port.js"
import type { ProviderPool } from "../provider-pool.js"

/** A work item: which object to bring in line. Level-based: the key alone, never the event. */
export interface ObjectKey {
  readonly kind: Kind
  readonly namespace?: string
  readonly name: string
}

export interface ReconcileResult {
  /** Come back after this long (periodic refresh, store re-validation). */
  readonly requeueAfterMs?: number
  /** Failed in a way worth retrying: the queue backs off per key. */
  readonly retry?: boolean
}

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>
/** Structured logger; callers never pass secret values (names and reasons only). */
export interface Logger {
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

/**
 * ESO's template engine v2 (`target.template.data`), provided by src/template.
 * @throws BridgeError naming the template key (and the unsupported function, if that is why)
 */
export type TemplateRenderer = (
  templates: Readonly<Record<string, string>>,
  data: ReadonlyMap<string, Uint8Array>,
  /** Field named in errors; default `target.template.data`. */
  field?: string,
) => Map<string, Uint8Array>

export interface LastApplied {
  readonly uid: string
  readonly resourceVersion: string
  readonly secret: SecretApply
}

export interface ControllerDeps {
  readonly kube: KubeApi
  readonly pool: ProviderPool
  readonly ops: ValueOps
  readonly renderTemplate?: TemplateRenderer
  /** Key of the data-hash HMAC; persisted by the process so hashes survive restarts. */
  readonly hmacKey: Uint8Array
  /** Openers for SopsSecrets (the controller's age identities, later KMS/transit). */
  readonly openers: readonly KeyOpener[]
  readonly now: () => Date
  readonly random: () => number
  /** Grid phase of an ExternalSecret's refreshes (default: schedule.refreshPhase; tests pin 0). */
  readonly refreshPhase?: (spec: ExternalSecretSpec, namespace: string) => number
  readonly log: Logger
  /** What was last applied per ExternalSecret ("namespace/name"): drift is repaired from it without a provider call. */
  readonly lastApplied: Map<string, LastApplied>
  /** How often stores are re-validated (and their credentials re-read). */
  readonly storeRefreshMs: number
  /** Deadline of one provider call. */
  readonly callTimeoutMs: number
  /** Sees the Ready outcome of every pass that records one (sync metrics), before status is written. */
  readonly onOutcome?: (
    kind: Kind,
    namespace: string | undefined,
    name: string,
    outcome: { readonly ready: boolean; readonly reason: string },
  ) => void
  /** Debounced rollout restarts of `spec.rolloutRestartTargets` (absent: never restart). */
  readonly restarts?: {
    request(namespace: string, targets: readonly RolloutTarget[], because: string): void
  }
}
