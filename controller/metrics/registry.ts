import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client"
import type { CallResult, ProviderOp } from "../provider-pool.js"
import type { WatchState } from "./readiness.js"

/** Reconcile passes: most are milliseconds; a provider call may take up to its 15 s deadline. */
export const SYNC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60]
/** One AWS/Vault call: tens of milliseconds when healthy, the deadline when not. */
export const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15]

/** Values read when Prometheus scrapes (state the controller holds anyway). */
export interface MetricSources {
  /** Keys waiting for a worker, by lane (urgent, periodic). */
  queueDepth(): Iterable<readonly [string, number]>
  /** Reconciles in flight. */
  inFlight(): number
  /** Seconds the most overdue piece of work is past its due time (0: none). */
  oldestOverdueSeconds(): number
  /** Live Vault tokens by store key. */
  vaultTokens(): ReadonlyMap<string, number>
  watches(): readonly (WatchState & { readonly restarts: number; readonly stalls: number })[]
  /** Whether a watch counts as up (the readiness rule). */
  watchUp(w: WatchState): boolean
  kubeRequests(): Readonly<Record<string, number>>
  ready(): boolean
  nowMs(): number
}

/** How one reconcile pass ended: `none` when it recorded no Ready outcome (nothing was due). */
export type SyncResult = "ok" | "error" | "none"

/**
 * The controller's Prometheus metrics on a private registry (prom-client: correct escaping,
 * HELP/TYPE, cumulative histogram buckets, plus the standard process and Node.js metrics).
 */
export class ControllerMetrics {
  readonly registry = new Registry()
  readonly #reconciles: Counter
  readonly #syncs: Counter
  readonly #syncSeconds: Histogram
  readonly #calls: Counter
  readonly #shared: Counter
  readonly #callSeconds: Histogram

  constructor(src: MetricSources, opts: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry]
    this.#reconciles = new Counter({
      name: "sealbridge_reconcile_total",
      help: "Reconcile passes by kind; result error = the pass will be retried with backoff.",
      labelNames: ["kind", "result"],
      registers,
    })
    this.#syncs = new Counter({
      name: "sealbridge_sync_total",
      help: "Passes that recorded a Ready outcome, by kind, Ready status and reason.",
      labelNames: ["kind", "ready", "reason"],
      registers,
    })
    this.#syncSeconds = new Histogram({
      name: "sealbridge_sync_duration_seconds",
      help: "Duration of reconcile passes; result ok/error = Ready True/False recorded, none = nothing was due.",
      labelNames: ["kind", "result"],
      buckets: SYNC_BUCKETS,
      registers,
    })
    this.#calls = new Counter({
      name: "sealbridge_provider_calls_total",
      help: "Calls that reached the provider (AWS, Vault) by store, operation and result (ok, error, throttled).",
      labelNames: ["store", "op", "result"],
      registers,
    })
    this.#shared = new Counter({
      name: "sealbridge_provider_shared_total",
      help: "Requests answered without a provider call: from the store's fetch window or a call in flight.",
      labelNames: ["store", "op"],
      registers,
    })
    this.#callSeconds = new Histogram({
      name: "sealbridge_provider_call_duration_seconds",
      help: "Duration of calls that reached the provider, by store, operation and result.",
      labelNames: ["store", "op", "result"],
      buckets: CALL_BUCKETS,
      registers,
    })
    scrapeTime(registers, src)
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }

  get contentType(): string {
    return this.registry.contentType
  }

  reconciled(kind: string, retry: boolean, outcome: SyncOutcome | undefined, seconds: number): void {
    this.#reconciles.inc({ kind, result: retry ? "error" : "ok" })
    if (outcome !== undefined)
      this.#syncs.inc({ kind, ready: outcome.ready ? "True" : "False", reason: outcome.reason })
    const result: SyncResult = outcome === undefined ? "none" : outcome.ready ? "ok" : "error"
    this.#syncSeconds.observe({ kind, result }, seconds)
  }

  providerCall(store: string, op: ProviderOp, result: CallResult, seconds: number): void {
    this.#calls.inc({ store, op, result })
    this.#callSeconds.observe({ store, op, result }, seconds)
  }

  shared(store: string, op: string): void {
    this.#shared.inc({ store, op })
  }

  /**
   * A metric owned elsewhere (e.g. leader election), read at each scrape: `read` yields
   * (labels, value) pairs; a counter's value is its running total.
   */
  collected(
    name: string,
    help: string,
    type: "gauge" | "counter",
    labelNames: readonly string[],
    read: () => Iterable<readonly [Readonly<Record<string, string>>, number]>,
  ): void {
    const registers = [this.registry]
    if (type === "gauge")
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset()
          for (const [labels, v] of read()) this.set(labels, v)
        },
      })
    else
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset()
          for (const [labels, v] of read()) this.inc(labels, v)
        },
      })
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}

export interface SyncOutcome {
  readonly ready: boolean
  readonly reason: string
}

/** Gauges and counters whose value is read from the controller's state at each scrape. */
function scrapeTime(registers: Registry[], src: MetricSources): void {
  new Gauge({
    name: "sealbridge_queue_depth",
    help: "Keys waiting for a worker by lane: urgent (new, changed, drifted) and periodic; delayed requeues not counted.",
    labelNames: ["lane"],
    registers,
    collect() {
      this.reset()
      for (const [lane, n] of src.queueDepth()) this.set({ lane }, n)
    },
  })
  new Gauge({
    name: "sealbridge_queue_in_flight",
    help: "Reconciles running (including store-bound ones that gave their worker back).",
    registers,
    collect() {
      this.set(src.inFlight())
    },
  })
  new Gauge({
    name: "sealbridge_sync_oldest_overdue_seconds",
    help: "Seconds the most overdue object is past its due time (queued or in flight); 0 = none.",
    registers,
    collect() {
      this.set(src.oldestOverdueSeconds())
    },
  })
  new Gauge({
    name: "sealbridge_vault_tokens_live",
    help: "Vault tokens the controller logged in for and has neither revoked nor seen expire, by store.",
    labelNames: ["store"],
    registers,
    collect() {
      this.reset()
      for (const [store, n] of src.vaultTokens()) this.set({ store }, n)
    },
  })
  new Gauge({
    name: "sealbridge_ready",
    help: "1 when /readyz answers 200 (watches synced, no work overdue beyond the limit).",
    registers,
    collect() {
      this.set(src.ready() ? 1 : 0)
    },
  })
  watchMetrics(registers, src)
  new Counter({
    name: "sealbridge_kube_requests_total",
    help: "Kubernetes API requests the reconcilers sent, by verb (informer list/watch not included).",
    labelNames: ["verb"],
    registers,
    collect() {
      this.reset()
      for (const [verb, n] of Object.entries(src.kubeRequests())) this.inc({ verb }, n)
    },
  })
}

function watchMetrics(registers: Registry[], src: MetricSources): void {
  new Gauge({
    name: "sealbridge_watch_up",
    help: "1 when the watch has listed and is connected (or reconnecting within twice its timeout).",
    labelNames: ["watch"],
    registers,
    collect() {
      this.reset()
      for (const w of src.watches()) this.set({ watch: w.name }, src.watchUp(w) ? 1 : 0)
    },
  })
  new Gauge({
    name: "sealbridge_watch_seconds_since_event",
    help: "Seconds since the watch's last list, event or bookmark.",
    labelNames: ["watch"],
    registers,
    collect() {
      this.reset()
      const now = src.nowMs()
      for (const w of src.watches()) this.set({ watch: w.name }, Math.round((now - w.lastSeen) / 1000))
    },
  })
  new Counter({
    name: "sealbridge_watch_restarts_total",
    help: "Watch requests restarted after an error or a server-side timeout.",
    labelNames: ["watch"],
    registers,
    collect() {
      this.reset()
      for (const w of src.watches()) this.inc({ watch: w.name }, w.restarts)
    },
  })
  new Counter({
    name: "sealbridge_watch_stalls_total",
    help: "Watch connections aborted because they went silent past their timeout.",
    labelNames: ["watch"],
    registers,
    collect() {
      this.reset()
      for (const w of src.watches()) this.inc({ watch: w.name }, w.stalls)
    },
  })
}
