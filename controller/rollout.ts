import { safeMessage } from "../src/index.js"
import { RESTARTED_AT_ANNOTATION } from "./api/constants.js"
import type { RolloutTarget } from "./api/types.js"
import type { KubeApi } from "./kube/port.js"
import type { Logger } from "./reconcile/deps.js"

export interface RolloutDeps {
  readonly kube: Pick<KubeApi, "annotatePodTemplate">
  readonly now: () => Date
  readonly log: Logger
  /** Quiet period: a restart waits until no Secret it depends on has changed for this long. */
  readonly debounceMs: number
  /** Timers are injectable so the debounce is tested without waiting. */
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void }
}

const realTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const t = setTimeout(fn, ms)
  t.unref()
  return { cancel: () => clearTimeout(t) }
}

/**
 * Restarts workloads whose Secrets changed, once per burst: several Secrets rotating together
 * (one remote secret feeding three ExternalSecrets, a bulk rotation) cost one rollout, not one
 * per Secret. Each request pushes the target's restart to `debounceMs` after the latest change.
 */
export class RolloutRestarter {
  readonly #pending = new Map<string, { cancel(): void }>()
  readonly #deps: RolloutDeps
  /** Restarts done, for metrics and tests. */
  restarts = 0

  constructor(deps: RolloutDeps) {
    this.#deps = deps
  }

  get pending(): number {
    return this.#pending.size
  }

  /** A Secret in `namespace` changed its data; these workloads use it. */
  request(namespace: string, targets: readonly RolloutTarget[], because: string): void {
    const setTimer = this.#deps.setTimer ?? realTimer
    for (const t of targets) {
      const key = `${namespace}/${t.kind}/${t.name}`
      this.#pending.get(key)?.cancel()
      this.#pending.set(
        key,
        setTimer(() => {
          this.#pending.delete(key)
          void this.#restart(namespace, t, because)
        }, this.#deps.debounceMs),
      )
    }
  }

  /**
   * Shutdown: restarts still waiting for their quiet period run now. Dropping them would lose them
   * for good: the next process finds the Secret's data hash current and has nothing to restart.
   */
  async flush(): Promise<void> {
    const waiting = [...this.#pending.entries()]
    this.#pending.clear()
    await Promise.all(
      waiting.map(([key, timer]) => {
        timer.cancel()
        const [namespace = "", kind = "", ...name] = key.split("/")
        return this.#restart(
          namespace,
          { kind: kind as RolloutTarget["kind"], name: name.join("/") },
          "shutdown",
        )
      }),
    )
  }

  async #restart(namespace: string, t: RolloutTarget, because: string): Promise<void> {
    const fields = { namespace, kind: t.kind, name: t.name, secret: because }
    try {
      const found = await this.#deps.kube.annotatePodTemplate(t.kind, namespace, t.name, {
        [RESTARTED_AT_ANNOTATION]: this.#deps.now().toISOString(),
      })
      if (found) {
        this.restarts++
        this.#deps.log.info("rollout restarted", fields)
      } else this.#deps.log.warn("rollout restart target not found", fields)
    } catch (err) {
      this.#deps.log.warn("rollout restart failed", { ...fields, error: safeMessage(err) })
    }
  }
}
