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
    const counter = (name: string, help: string, labelNames: string[]): Counter =>
      new Counter({ name, help, labelNames, registers })
    const histogram = (name: string, help: string, labelNames: string[], buckets: number[]): Histogram =>
      new Histogram({ name, help, labelNames, buckets, registers })
    this.#reconciles = counter(
      "sealbridge_reconcile_total",
      "Reconcile passes by kind; result error = the pass will be retried with backoff.",
      ["kind", "result"],
    )
    this.#syncs = counter(
      "sealbridge_sync_total",
      "Passes that recorded a Ready outcome, by kind, Ready status and reason.",
      ["kind", "ready", "reason"],
    )
    this.#syncSeconds = histogram(
      "sealbridge_sync_duration_seconds",
      "Duration of reconcile passes; result ok/error = Ready True/False recorded, none = nothing was due.",
      ["kind", "result"],
      SYNC_BUCKETS,
    )
    this.#calls = counter(
      "sealbridge_provider_calls_total",
      "Calls that reached the provider (AWS, Vault) by store, operation and result (ok, error, throttled).",
      ["store", "op", "result"],
    )
    this.#shared = counter(
      "sealbridge_provider_shared_total",
      "Requests answered without a provider call: from the store's fetch window or a call in flight.",
      ["store", "op"],
    )
    this.#callSeconds = histogram(
      "sealbridge_provider_call_duration_seconds",
      "Duration of calls that reached the provider, by store, operation and result.",
      ["store", "op", "result"],
      CALL_BUCKETS,
    )
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
  collected(name: string, help: string, type: MetricType, labelNames: readonly string[], read: Reader): void {
    scraped([this.registry], type, name, help, labelNames, read)
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}

export interface SyncOutcome {
  readonly ready: boolean
  readonly reason: string
}

type MetricType = "gauge" | "counter"
type Reader = () => Iterable<readonly [Readonly<Record<string, string>>, number]>

/** A gauge or counter whose (labels, value) pairs are read at each scrape; a counter's is its total. */
function scraped(
  registers: Registry[],
  type: MetricType,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: Reader,
): void {
  const labels = [...labelNames]
  if (type === "gauge")
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers,
      collect() {
        this.reset()
        for (const [l, v] of read()) this.set(l, v)
      },
    })
  else
    new Counter({
      name,
      help,
      labelNames: labels,
      registers,
      collect() {
        this.reset()
        for (const [l, v] of read()) this.inc(l, v)
      },
    })
}

/** Gauges and counters whose value is read from the controller's state at each scrape. */
function scrapeTime(registers: Registry[], src: MetricSources): void {
  const gauge = (name: string, help: string, labelNames: readonly string[], read: Reader): void =>
    scraped(registers, "gauge", name, help, labelNames, read)
  gauge(
    "sealbridge_queue_depth",
    "Keys waiting for a worker by lane: urgent (new, changed, drifted) and periodic; delayed requeues not counted.",
    ["lane"],
    () => [...src.queueDepth()].map(([lane, n]) => [{ lane }, n]),
  )
  gauge(
    "sealbridge_queue_in_flight",
    "Reconciles running (including store-bound ones that gave their worker back).",
    [],
    () => [[{}, src.inFlight()]],
  )
  gauge(
    "sealbridge_sync_oldest_overdue_seconds",
    "Seconds the most overdue object is past its due time (queued or in flight); 0 = none.",
    [],
    () => [[{}, src.oldestOverdueSeconds()]],
  )
  gauge(
    "sealbridge_vault_tokens_live",
    "Vault tokens the controller logged in for and has neither revoked nor seen expire, by store.",
    ["store"],
    () => [...src.vaultTokens()].map(([store, n]) => [{ store }, n]),
  )
  gauge(
    "sealbridge_ready",
    "1 when /readyz answers 200 (watches synced, no work overdue beyond the limit).",
    [],
    () => [[{}, src.ready() ? 1 : 0]],
  )
  scraped(
    registers,
    "counter",
    "sealbridge_kube_requests_total",
    "Kubernetes API requests the reconcilers sent, by verb (informer list/watch not included).",
    ["verb"],
    () => Object.entries(src.kubeRequests()).map(([verb, n]) => [{ verb }, n]),
  )
  watchMetrics(registers, src)
}

function watchMetrics(registers: Registry[], src: MetricSources): void {
  const perWatch = (type: MetricType, name: string, help: string, value: (w: WatchSample) => number): void =>
    scraped(registers, type, name, help, ["watch"], () =>
      src.watches().map((w) => [{ watch: w.name }, value(w)]),
    )
  perWatch(
    "gauge",
    "sealbridge_watch_up",
    "1 when the watch has listed and is connected (or reconnecting within twice its timeout).",
    (w) => (src.watchUp(w) ? 1 : 0),
  )
  perWatch(
    "gauge",
    "sealbridge_watch_seconds_since_event",
    "Seconds since the watch's last list, event or bookmark.",
    (w) => Math.round((src.nowMs() - w.lastSeen) / 1000),
  )
  perWatch(
    "counter",
    "sealbridge_watch_restarts_total",
    "Watch requests restarted after an error or a server-side timeout.",
    (w) => w.restarts,
  )
  perWatch(
    "counter",
    "sealbridge_watch_stalls_total",
    "Watch connections aborted because they went silent past their timeout.",
    (w) => w.stalls,
  )
}

type WatchSample = ReturnType<MetricSources["watches"]>[number]
