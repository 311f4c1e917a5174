import { VaultTokenLedger } from "../../src/index.js"
import type { Kind } from "../api/constants.js"
import { LANES, type Handler } from "../queue.js"
import type { CallHook } from "../provider-pool.js"
import type { HealthSource } from "../health.js"
import { parseWorkKey, workKey } from "../refs.js"
import { readiness, watchUp, type Readiness, type WatchState } from "./readiness.js"
import { ControllerMetrics, type SyncOutcome } from "./registry.js"
import type { TrackedQueue } from "./overdue.js"

export interface TelemetryOptions {
  readonly now: () => number
  readonly watchTimeoutSeconds: number
  /** /readyz fails when work is overdue by more than this (0 = never for overdue work). */
  readonly maxOverdueSeconds: number
  readonly processMetrics?: boolean
}

/** What telemetry reads from the running controller, attached once it is built. */
export interface Observed {
  readonly queue: TrackedQueue
  readonly watches: readonly (WatchState & { readonly restarts: number; readonly stalls: number })[]
  readonly kubeRequests: Readonly<Record<string, number>>
  /** With leader election: whether this replica leads now (read at each check). */
  readonly leading?: () => boolean
}

/**
 * The controller's metrics and health in one place, so main.ts only hands over hooks: provider
 * calls and shared requests from the pool, Ready outcomes from the reconcilers, pass durations
 * from the queue's handler, and the queue, watches and Vault tokens read at scrape time.
 */
export class Telemetry {
  readonly vaultTokens: VaultTokenLedger
  readonly metrics: ControllerMetrics
  readonly #opts: TelemetryOptions
  /** Ready outcome recorded during the pass in flight, per work key (a key runs once at a time). */
  readonly #outcomes = new Map<string, SyncOutcome>()
  #observed: Observed | undefined
  #leading = true

  constructor(opts: TelemetryOptions) {
    this.#opts = opts
    this.vaultTokens = new VaultTokenLedger(() => new Date(opts.now()))
    this.metrics = new ControllerMetrics(
      {
        queueDepth: () => {
          const q = this.#observed?.queue
          return LANES.map((lane) => [lane, q?.depthOf(lane) ?? 0] as const)
        },
        inFlight: () => this.#observed?.queue.inFlight ?? 0,
        oldestOverdueSeconds: () =>
          (this.#leading ? this.#observed?.queue.due.oldestOverdueSeconds() : 0) ?? 0,
        vaultTokens: () => this.vaultTokens.live(),
        watches: () => this.#observed?.watches ?? [],
        watchUp: (w) => watchUp(w, opts.now(), opts.watchTimeoutSeconds),
        kubeRequests: () => this.#observed?.kubeRequests ?? {},
        ready: () => this.ready().ok,
        nowMs: opts.now,
      },
      opts.processMetrics === false ? { processMetrics: false } : {},
    )
  }

  attach(observed: Observed): void {
    this.#observed = observed
  }

  /**
   * With leader election: a standby queues work it does not run, so overdue work counts only
   * while leading, from the moment leadership was gained (readiness must not fail on standbys,
   * or a rolling update would wait for them for ever).
   */
  leadership(leading: boolean): void {
    if (leading && !this.#leading) this.#observed?.queue.due.notBefore(this.#opts.now())
    this.#leading = leading
  }

  readonly onCall: CallHook = (store, op, result, seconds) =>
    this.metrics.providerCall(store, op, result, seconds)

  readonly onShared = (store: string, op: string): void => this.metrics.shared(store, op)

  readonly onOutcome = (kind: Kind, namespace: string | undefined, name: string, o: SyncOutcome): void => {
    this.#outcomes.set(workKey(kind, namespace ?? "", name), { ready: o.ready, reason: o.reason })
  }

  /** The queue's handler, timed and counted per kind and outcome. */
  timed(handler: Handler): Handler {
    return async (key, signal) => {
      const started = this.#opts.now()
      let retry = true
      try {
        const result = await handler(key, signal)
        retry = result.retry === true
        return result
      } finally {
        const outcome = this.#outcomes.get(key)
        this.#outcomes.delete(key)
        const seconds = (this.#opts.now() - started) / 1000
        this.metrics.reconciled(parseWorkKey(key).kind, retry, outcome, seconds)
      }
    }
  }

  ready(): Readiness {
    this.#syncLeading()
    const o = this.#observed
    if (o === undefined) return { ok: false, reason: "starting" }
    const due = o.queue.due
    const max = this.#leading ? this.#opts.maxOverdueSeconds : 0
    return readiness(
      o.watches,
      { oldestSeconds: due.oldestOverdueSeconds(), count: due.countOverdue(max) },
      {
        nowMs: this.#opts.now(),
        watchTimeoutSeconds: this.#opts.watchTimeoutSeconds,
        maxOverdueSeconds: max,
      },
    )
  }

  #syncLeading(): void {
    const leading = this.#observed?.leading
    if (leading !== undefined) this.leadership(leading())
  }

  get health(): HealthSource {
    return {
      ready: () => this.ready(),
      metrics: () => this.metrics.text(),
      contentType: this.metrics.contentType,
    }
  }
}
