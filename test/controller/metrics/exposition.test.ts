import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ControllerMetrics, SYNC_BUCKETS, type MetricSources } from "../../../controller/metrics/registry.js"
import { histograms, parseExposition, select, total } from "../../helpers/prom-text.js"

function sources(over: Partial<MetricSources> = {}): MetricSources {
  return {
    queueDepth: () => [
      ["urgent", 1],
      ["periodic", 2],
    ],
    inFlight: () => 4,
    oldestOverdueSeconds: () => 12.5,
    vaultTokens: () => new Map([["team-a/vault", 1]]),
    watches: () => [
      { name: "externalsecrets", synced: true, connected: true, lastSeen: 1_000, restarts: 2, stalls: 1 },
      { name: "secrets", synced: false, connected: false, lastSeen: 0, restarts: 0, stalls: 0 },
    ],
    watchUp: (w) => w.synced,
    kubeRequests: () => ({ get: 4, patchStatus: 9 }),
    ready: () => false,
    nowMs: () => 11_000,
    ...over,
  }
}

const families = [
  ["sealbridge_reconcile_total", "counter"],
  ["sealbridge_sync_total", "counter"],
  ["sealbridge_sync_duration_seconds", "histogram"],
  ["sealbridge_provider_calls_total", "counter"],
  ["sealbridge_provider_shared_total", "counter"],
  ["sealbridge_provider_call_duration_seconds", "histogram"],
  ["sealbridge_queue_depth", "gauge"],
  ["sealbridge_queue_in_flight", "gauge"],
  ["sealbridge_sync_oldest_overdue_seconds", "gauge"],
  ["sealbridge_vault_tokens_live", "gauge"],
  ["sealbridge_ready", "gauge"],
  ["sealbridge_watch_up", "gauge"],
  ["sealbridge_watch_seconds_since_event", "gauge"],
  ["sealbridge_watch_restarts_total", "counter"],
  ["sealbridge_watch_stalls_total", "counter"],
  ["sealbridge_kube_requests_total", "counter"],
] as const

describe("controller metrics exposition", () => {
  it("should declare HELP and TYPE for every metric family", async () => {
    const m = new ControllerMetrics(sources(), { processMetrics: false })
    const e = parseExposition(await m.text())
    for (const [name, type] of families) {
      expect(e.types.get(name), name).toBe(type)
      expect(e.help.get(name)?.length ?? 0, name).toBeGreaterThan(10)
    }
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/)
  })

  it("should expose sync durations as a histogram: cumulative monotonic buckets, +Inf = _count = observations, _sum", () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ s: fc.double({ min: 0, max: 120, noNaN: true }), ok: fc.boolean() }), {
          maxLength: 200,
        }),
        async (obs) => {
          const m = new ControllerMetrics(sources(), { processMetrics: false })
          for (const o of obs)
            m.reconciled("ExternalSecret", !o.ok, { ready: o.ok, reason: o.ok ? "SecretSynced" : "X" }, o.s)
          const series = histograms(parseExposition(await m.text()), "sealbridge_sync_duration_seconds")
          for (const result of ["ok", "error"] as const) {
            const mine = obs.filter((o) => o.ok === (result === "ok")).map((o) => o.s)
            const h = series.find((x) => x.labels["result"] === result)
            if (mine.length === 0) {
              expect(h).toBeUndefined()
              continue
            }
            expect(h?.labels).toEqual({ kind: "ExternalSecret", result })
            const buckets = h?.buckets ?? []
            expect(buckets.map(([le]) => le)).toEqual([...SYNC_BUCKETS, Infinity])
            for (let i = 1; i < buckets.length; i++)
              expect(buckets[i]?.[1]).toBeGreaterThanOrEqual(buckets[i - 1]?.[1] ?? 0)
            for (const [le, n] of buckets) expect(n).toBe(mine.filter((s) => s <= le).length)
            expect(buckets.at(-1)?.[1]).toBe(mine.length)
            expect(h?.count).toBe(mine.length)
            expect(h?.sum).toBeCloseTo(
              mine.reduce((a, b) => a + b, 0),
              6,
            )
          }
        },
      ),
      { numRuns: 30 },
    ))

  it("should count syncs by kind, Ready status and reason, and passes that recorded nothing as none", async () => {
    const m = new ControllerMetrics(sources(), { processMetrics: false })
    m.reconciled("ExternalSecret", false, { ready: true, reason: "SecretSynced" }, 0.02)
    m.reconciled("ExternalSecret", false, { ready: true, reason: "SecretSynced" }, 0.03)
    m.reconciled("ExternalSecret", true, { ready: false, reason: "SecretNotFound" }, 0.01)
    m.reconciled("SecretStore", false, undefined, 0.001)
    const e = parseExposition(await m.text())
    expect(
      total(e, "sealbridge_sync_total", { kind: "ExternalSecret", ready: "True", reason: "SecretSynced" }),
    ).toBe(2)
    expect(total(e, "sealbridge_sync_total", { ready: "False", reason: "SecretNotFound" })).toBe(1)
    expect(total(e, "sealbridge_sync_total", { kind: "SecretStore" })).toBe(0)
    expect(total(e, "sealbridge_reconcile_total", { kind: "ExternalSecret", result: "error" })).toBe(1)
    expect(total(e, "sealbridge_reconcile_total", { kind: "ExternalSecret", result: "ok" })).toBe(2)
    expect(total(e, "sealbridge_sync_duration_seconds_count", { kind: "SecretStore", result: "none" })).toBe(
      1,
    )
  })

  it("should count provider calls and shared requests by store, with a call-duration histogram", async () => {
    const m = new ControllerMetrics(sources(), { processMetrics: false })
    for (let i = 0; i < 5; i++) m.providerCall("app/aws", "get", "ok", 0.04)
    m.providerCall("app/aws", "get", "throttled", 0.2)
    for (let i = 0; i < 7; i++) m.shared("app/aws", "get")
    const e = parseExposition(await m.text())
    expect(total(e, "sealbridge_provider_calls_total", { store: "app/aws", op: "get", result: "ok" })).toBe(5)
    expect(total(e, "sealbridge_provider_calls_total", { result: "throttled" })).toBe(1)
    expect(total(e, "sealbridge_provider_shared_total", { store: "app/aws", op: "get" })).toBe(7)
    const h = histograms(e, "sealbridge_provider_call_duration_seconds")
    expect(h.map((x) => [x.labels["result"], x.count])).toEqual([
      ["ok", 5],
      ["throttled", 1],
    ])
    expect(h[0]?.buckets.find(([le]) => le === 0.05)?.[1]).toBe(5)
    expect(h[0]?.buckets.find(([le]) => le === 0.025)?.[1]).toBe(0)
  })

  it("should read queue, overdue, Vault tokens, readiness, watches and kube requests at scrape time", async () => {
    let periodic = 2
    const m = new ControllerMetrics(
      sources({
        queueDepth: () => [
          ["urgent", 1],
          ["periodic", periodic],
        ],
      }),
      { processMetrics: false },
    )
    let e = parseExposition(await m.text())
    expect(total(e, "sealbridge_queue_depth", { lane: "urgent" })).toBe(1)
    expect(total(e, "sealbridge_queue_depth", { lane: "periodic" })).toBe(2)
    expect(total(e, "sealbridge_queue_in_flight")).toBe(4)
    expect(total(e, "sealbridge_sync_oldest_overdue_seconds")).toBe(12.5)
    expect(select(e, "sealbridge_vault_tokens_live")).toEqual([
      { name: "sealbridge_vault_tokens_live", labels: { store: "team-a/vault" }, value: 1 },
    ])
    expect(total(e, "sealbridge_ready")).toBe(0)
    expect(total(e, "sealbridge_watch_up", { watch: "externalsecrets" })).toBe(1)
    expect(total(e, "sealbridge_watch_up", { watch: "secrets" })).toBe(0)
    expect(total(e, "sealbridge_watch_seconds_since_event", { watch: "externalsecrets" })).toBe(10)
    expect(total(e, "sealbridge_watch_restarts_total", { watch: "externalsecrets" })).toBe(2)
    expect(total(e, "sealbridge_watch_stalls_total", { watch: "externalsecrets" })).toBe(1)
    expect(total(e, "sealbridge_kube_requests_total", { verb: "patchStatus" })).toBe(9)
    periodic = 0
    e = parseExposition(await m.text())
    expect(total(e, "sealbridge_queue_depth")).toBe(1)
  })

  it("should escape label values so they parse back unchanged", async () => {
    const store = 'ns/we"ird\\name\nx'
    const m = new ControllerMetrics(sources(), { processMetrics: false })
    m.providerCall(store, "get", "ok", 0.01)
    const e = parseExposition(await m.text())
    expect(total(e, "sealbridge_provider_calls_total", { store })).toBe(1)
  })

  it("should add the standard process metrics (RSS, event-loop lag) unless turned off", async () => {
    const e = parseExposition(await new ControllerMetrics(sources()).text())
    expect(total(e, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000)
    expect(e.types.get("nodejs_eventloop_lag_seconds")).toBe("gauge")
  })
})
