import { existsSync } from "node:fs"
import type { Server } from "node:http"
import {
  createProvider,
  DEFAULT_RATE_LIMIT,
  providerRegistry,
  renderTemplate,
  safeMessage,
} from "../src/index.js"
import { Kind } from "./api/constants.js"
import { serveHealth } from "./health.js"
import { controllerOpeners, hashKey } from "./identity.js"
import { CachedKube, ObjectCache } from "./kube/cache.js"
import { ClientNodeKube } from "./kube/client.js"
import { hardenApiClients } from "./kube/http.js"
import { Watcher, type WatchedObject } from "./kube/watch.js"
import type { ElectionConfig } from "./leader/elector.js"
import { Leadership } from "./leader/leadership.js"
import { realElectionClock } from "./leader/options.js"
import { loadKubeConfig } from "./kubeconfig.js"
import { jsonLogger } from "./log.js"
import { TrackedQueue } from "./metrics/overdue.js"
import { Telemetry } from "./metrics/telemetry.js"
import { ProviderPool } from "./provider-pool.js"
import { laneOf, storeOfKey } from "./lanes.js"
import type { ControllerDeps, ReconcileResult } from "./reconcile/deps.js"
import { reconcileExternalSecret } from "./reconcile/external-secret.js"
import { reconcileSopsSecret } from "./reconcile/sops-secret.js"
import { reconcileStore } from "./reconcile/store.js"
import { parseWorkKey, RefIndex, workKey } from "./refs.js"
import { RolloutRestarter } from "./rollout.js"
import { StatusObjects } from "./status-page/objects.js"
import { statusPageHandler } from "./status-page/serve.js"
import { templateRenderer } from "./templates.js"
import { esoValueOps } from "./value-ops.js"
import { watchTargets } from "./watches.js"

export interface ControllerOptions {
  readonly kubeconfig?: string
  /** Watched namespaces; empty = all. */
  readonly namespaces: readonly string[]
  readonly concurrency: number
  readonly metricsPort: number
  readonly healthPort: number
  readonly ageKeyFile?: string
  /** namespace/name of the Secret holding the data-hash key. */
  readonly hashKeySecret?: string
  readonly storeRefreshMs: number
  /** Server-side watch timeout floor (the real one is 1-2x this, random). */
  readonly watchTimeoutSeconds: number
  /** How long one provider answer serves every object naming that remote secret. */
  readonly fetchWindowMs: number
  /** Token bucket per store: calls per second and burst. */
  readonly storeRate: number
  readonly storeBurst: number
  /** Reconciles in flight per store (a hanging store holds at most these). */
  readonly storeConcurrency?: number
  /** Serve the read-only status page at /status on the metrics port. */
  readonly statusPage?: boolean
  /** Quiet period before a rollout restart (several Secrets changing together: one restart). */
  readonly rolloutDebounceMs?: number
  /** Leader election on a Lease (`--leader-elect`); absent: this replica always reconciles. */
  readonly leaderElection?: ElectionConfig
  /** /readyz fails when work is overdue by more than this many seconds (0 = not checked). */
  readonly readyMaxOverdueSeconds?: number
  readonly env: Readonly<Record<string, string | undefined>>
  readonly write: (line: string) => void
}

/** Deadline of one provider call (the reconcile's wait and the shared call itself). */
const CALL_TIMEOUT_MS = 15_000
/** A store-bound reconcile running longer than this gives its worker back (keeps its store slot). */
const STORE_RELEASE_MS = 1_000

/** Runs until SIGTERM/SIGINT, then drains in-flight reconciles and returns. */
export async function runController(opts: ControllerOptions): Promise<void> {
  const log = jsonLogger(opts.write)
  const kc = loadKubeConfig(opts.kubeconfig, opts.env, existsSync)
  const pooled = hardenApiClients(kc)
  const cache = new ObjectCache()
  const kube = new CachedKube(new ClientNodeKube(kc), cache)
  const telemetry = new Telemetry({
    now: Date.now,
    watchTimeoutSeconds: opts.watchTimeoutSeconds,
    maxOverdueSeconds: opts.readyMaxOverdueSeconds ?? 300,
  })
  const restarts = new RolloutRestarter({
    kube,
    now: () => new Date(),
    log,
    debounceMs: opts.rolloutDebounceMs ?? 5_000,
  })
  const lead = new Leadership(kube.leases, opts.leaderElection, log, realElectionClock)
  let deps: ControllerDeps = {
    kube,
    restarts,
    pool: new ProviderPool(
      (config, d) => createProvider(config, d, providerRegistry),
      { now: () => new Date(), env: opts.env },
      {
        onCall: telemetry.onCall,
        onShared: telemetry.onShared,
        vaultTokens: telemetry.vaultTokens,
        windowMs: opts.fetchWindowMs,
        rateLimit: { ...DEFAULT_RATE_LIMIT, ratePerSecond: opts.storeRate, burst: opts.storeBurst },
        callTimeoutMs: CALL_TIMEOUT_MS,
      },
    ),
    ops: esoValueOps,
    renderTemplate: templateRenderer((source, values) => renderTemplate(source, values)),
    // Elected: read (or first created) by the leader only, so two replicas never race to create it.
    hmacKey: lead.elected ? new Uint8Array(0) : await hashKey(kube, opts.hashKeySecret, log),
    openers: await controllerOpeners(opts.env, opts.ageKeyFile),
    now: () => new Date(),
    random: Math.random,
    log,
    lastApplied: new Map(),
    storeRefreshMs: opts.storeRefreshMs,
    callTimeoutMs: CALL_TIMEOUT_MS,
    onOutcome: telemetry.onOutcome,
  }
  const refs = new RefIndex()
  const statusObjects = new StatusObjects()
  const timed = telemetry.timed(async (key: string, signal: AbortSignal): Promise<ReconcileResult> => {
    const k = parseWorkKey(key)
    const objKey = { kind: k.kind, name: k.name, ...(k.namespace === "" ? {} : { namespace: k.namespace }) }
    const started = Date.now()
    const result =
      k.kind === Kind.ExternalSecret
        ? await reconcileExternalSecret(deps, objKey, signal)
        : k.kind === Kind.SopsSecret
          ? await reconcileSopsSecret(deps, objKey, signal)
          : await reconcileStore(deps, objKey, signal)
    if (Date.now() - started > 5_000) log.warn("slow reconcile", { key, ms: Date.now() - started })
    return result
  })
  // A standby queues work but runs none; the leader schedules each object from its status.
  const handler = async (key: string, signal: AbortSignal): Promise<ReconcileResult> =>
    (await lead.gate.wait(signal)) ? timed(key, signal) : {}
  const queue = new TrackedQueue(handler, {
    concurrency: opts.concurrency,
    baseBackoffMs: 1_000,
    maxBackoffMs: 300_000,
    random: Math.random,
    onError: (key, err) => log.error("reconcile failed", { key, error: safeMessage(err) }),
    // New/changed objects and missing/drifted Secrets go before due refreshes; per-store caps.
    laneOf: (key) => laneOf(cache, deps.hmacKey, key),
    groupOf: (key) => storeOfKey(refs, key),
    groupConcurrency: opts.storeConcurrency ?? 2,
    releaseAfterMs: STORE_RELEASE_MS,
  })

  const onObject = (
    kind: Kind | "Secret",
    obj: WatchedObject & { spec?: unknown },
    deleted: boolean,
  ): void => {
    const ns = obj.metadata?.namespace ?? ""
    const name = obj.metadata?.name ?? ""
    statusObjects.update(kind, obj, deleted)
    if (deleted) cache.remove(kind, obj.metadata?.namespace, name)
    else cache.put(kind, obj)
    if (kind === "Secret") {
      // A managed Secret changed or vanished: its owner re-checks the hash (no provider call).
      for (const owner of refs.ownersOfSecret(ns, name)) queue.add(owner)
      return
    }
    if (kind === Kind.ExternalSecret || kind === Kind.SopsSecret) refs.update(kind, obj, deleted)
    const key = workKey(kind, kind === Kind.ClusterSecretStore ? "" : ns, name)
    queue.add(key)
    if (kind === Kind.SecretStore || kind === Kind.ClusterSecretStore)
      for (const dep of refs.dependentsOfStore(key)) queue.add(dep)
  }
  const watchers = watchTargets(kc, opts.namespaces).map(({ kind, scope, target }) => {
    cache.expect(kind, scope)
    return new Watcher(
      kc,
      target,
      {
        // A (re-)list enqueues only what is new, changed or gone since the cache last saw it.
        onList: (items) => {
          const { changed, removed } = cache.replace(kind, scope, items)
          for (const o of removed) onObject(kind, o, true)
          for (const o of changed) onObject(kind, o, false)
        },
        onEvent: (type, o) => onObject(kind, o, type === "DELETED"),
        onError: (err, attempt) => {
          pooled.reset()
          log.warn("watch restarting", { watch: target.name, attempt, error: safeMessage(err) })
        },
      },
      { random: Math.random, minTimeoutSeconds: opts.watchTimeoutSeconds, maxBackoffMs: 30_000 },
    )
  })
  telemetry.attach({ queue, watches: watchers, kubeRequests: kube.requests, leading: () => lead.leading })
  const leadSeries = (name: string) => () =>
    lead
      .metrics()
      .filter(([n]) => n === name)
      .map(([, labels, v]) => [labels, v] as const)
  telemetry.metrics.collected(
    "sealbridge_leader",
    "1 while this replica holds the Lease.",
    "gauge",
    ["identity"],
    leadSeries("sealbridge_leader"),
  )
  telemetry.metrics.collected(
    "sealbridge_lease_requests_total",
    "Lease API requests of the elector.",
    "counter",
    [],
    leadSeries("sealbridge_lease_requests_total"),
  )
  const health = telemetry.health
  const servers: (Server | undefined)[] = []
  const page = opts.statusPage === true ? statusPageHandler(statusObjects, () => new Date()) : undefined
  if (opts.healthPort === opts.metricsPort)
    servers.push(await serveHealth(opts.healthPort, health, ["/healthz", "/readyz", "/metrics"], page))
  else {
    servers.push(await serveHealth(opts.healthPort, health, ["/healthz", "/readyz"]))
    servers.push(await serveHealth(opts.metricsPort, health, ["/metrics"], page))
  }
  for (const w of watchers) w.start()
  log.info("controller started", {
    namespaces: opts.namespaces.join(",") || "*",
    concurrency: opts.concurrency,
    watches: watchers.length,
  })

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info("shutting down", { signal })
      resolve()
    }
    process.once("SIGTERM", () => stop("SIGTERM"))
    process.once("SIGINT", () => stop("SIGINT"))
    const becomeLeader = async (): Promise<void> => {
      deps = { ...deps, hmacKey: await hashKey(kube, opts.hashKeySecret, log) }
    }
    lead.start(becomeLeader, (reason) => {
      process.exitCode = 1
      stop(reason)
    })
  })
  for (const w of watchers) w.stop()
  // A replica that does not lead (any more) stops at once: nothing of its may still write.
  await queue.shutdown(lead.leading ? 10_000 : 0)
  if (lead.leading) await restarts.flush()
  await deps.pool.closeAll()
  await lead.stop()
  await Promise.all(servers.map((s) => new Promise((r) => (s === undefined ? r(undefined) : s.close(r)))))
  log.info("controller stopped", { reconciles: queue.processed })
}
