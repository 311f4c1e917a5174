import { createServer, type Server } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { serveHealth } from "../../../controller/health.js"
import { TrackedQueue } from "../../../controller/metrics/overdue.js"
import { readiness, type WatchState } from "../../../controller/metrics/readiness.js"
import { Telemetry } from "../../../controller/metrics/telemetry.js"
import type { ReconcileResult } from "../../../controller/reconcile/deps.js"
import { parseExposition, total } from "../../helpers/prom-text.js"

const up: WatchState = { name: "externalsecrets", synced: true, connected: true, lastSeen: 0 }
const opts = { nowMs: 1_000_000, watchTimeoutSeconds: 60, maxOverdueSeconds: 300 }

describe("readiness", () => {
  it("should be ready with synced watches and nothing overdue beyond the limit", () => {
    expect(readiness([up], { oldestSeconds: 300, count: 0 }, opts)).toEqual({ ok: true })
  })

  it("should name the watches that have not listed, or are down longer than twice their timeout", () => {
    const r = readiness(
      [
        up,
        { name: "secrets", synced: false, connected: false, lastSeen: 0 },
        { name: "secretstores", synced: true, connected: false, lastSeen: opts.nowMs - 121_000 },
        { name: "sopssecrets", synced: true, connected: false, lastSeen: opts.nowMs - 119_000 },
      ],
      { oldestSeconds: 0, count: 0 },
      opts,
    )
    expect(r).toEqual({ ok: false, reason: "watches not synced: secrets, secretstores" })
  })

  it("should fail with a count and the oldest delay when work is overdue beyond the limit", () => {
    expect(readiness([up], { oldestSeconds: 301.4, count: 2 }, opts)).toEqual({
      ok: false,
      reason: "work overdue: 2 object(s) past due by more than 300s (oldest 301s)",
    })
  })

  it("should ignore overdue work when the limit is 0", () => {
    expect(readiness([up], { oldestSeconds: 1e6, count: 9 }, { ...opts, maxOverdueSeconds: 0 })).toEqual({
      ok: true,
    })
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s: Server = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address()
      s.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0))
    })
  })
}

describe("/readyz and /metrics over HTTP (Telemetry on a TrackedQueue, fake clock)", () => {
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of closers.splice(0)) await c()
  })

  it("should answer 503 with a short reason while a hung pass is overdue, and 200 again once it finishes", async () => {
    let now = 0
    const telemetry = new Telemetry({
      now: () => now,
      watchTimeoutSeconds: 60,
      maxOverdueSeconds: 300,
      processMetrics: false,
    })
    let release: (r: ReconcileResult) => void = () => {}
    const q = new TrackedQueue(
      telemetry.timed(() => new Promise<ReconcileResult>((r) => (release = r))),
      { concurrency: 1, baseBackoffMs: 1_000, maxBackoffMs: 1_000, random: () => 0, onError: () => {} },
      () => now,
    )
    closers.push(() => q.shutdown(0))
    const watch = { ...up, restarts: 0, stalls: 0 }
    telemetry.attach({ queue: q, watches: [watch], kubeRequests: {} })
    const port = await freePort()
    const server = await serveHealth(port, telemetry.health, ["/healthz", "/readyz", "/metrics"])
    closers.push(() => new Promise((r) => server?.close(() => r())))
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`)
      return { status: res.status, body: await res.text(), type: res.headers.get("content-type") }
    }

    expect(await get("/readyz")).toMatchObject({ status: 200, body: "ok\n" })
    q.add("ExternalSecret/team-a/db")
    now = 299_000
    expect((await get("/readyz")).status).toBe(200)
    now = 301_000
    const bad = await get("/readyz")
    expect(bad).toMatchObject({ status: 503 })
    expect(bad.body).toBe("work overdue: 1 object(s) past due by more than 300s (oldest 301s)\n")
    const m = await get("/metrics")
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/)
    const e = parseExposition(m.body)
    expect(total(e, "sealbridge_sync_oldest_overdue_seconds")).toBe(301)
    expect(total(e, "sealbridge_ready")).toBe(0)
    release({ requeueAfterMs: 3_600_000 })
    await new Promise((r) => setTimeout(r, 10))
    expect(await get("/readyz")).toMatchObject({ status: 200, body: "ok\n" })
    const after = parseExposition((await get("/metrics")).body)
    expect(total(after, "sealbridge_sync_oldest_overdue_seconds")).toBe(0)
    expect(total(after, "sealbridge_sync_duration_seconds_count", { kind: "ExternalSecret" })).toBe(1)
    expect(total(after, "sealbridge_sync_duration_seconds_sum", { kind: "ExternalSecret" })).toBe(301)

    watch.synced = false
    expect(await get("/readyz")).toMatchObject({ status: 503, body: "watches not synced: externalsecrets\n" })
    expect((await get("/healthz")).status).toBe(200)
  })

  it("should ignore overdue work on a standby and count it only from when leadership was gained", async () => {
    let now = 0
    const t = new Telemetry({
      now: () => now,
      watchTimeoutSeconds: 60,
      maxOverdueSeconds: 300,
      processMetrics: false,
    })
    // A standby's handler waits at the leader gate: the key stays in flight.
    const q = new TrackedQueue(
      t.timed(
        (_key, signal) =>
          new Promise<ReconcileResult>((resolve) => signal.addEventListener("abort", () => resolve({}))),
      ),
      { concurrency: 1, baseBackoffMs: 1_000, maxBackoffMs: 1_000, random: () => 0, onError: () => {} },
      () => now,
    )
    closers.push(() => q.shutdown(0))
    t.attach({ queue: q, watches: [{ ...up, restarts: 0, stalls: 0 }], kubeRequests: {} })
    t.leadership(false)
    q.add("ExternalSecret/team-a/db")
    q.add("ExternalSecret/team-a/cache")
    now = 3_600_000
    expect(t.ready()).toEqual({ ok: true })
    expect(total(parseExposition(await t.metrics.text()), "sealbridge_sync_oldest_overdue_seconds")).toBe(0)
    t.leadership(true)
    expect(t.ready()).toEqual({ ok: true })
    now += 301_000
    expect(t.ready()).toEqual({
      ok: false,
      reason: "work overdue: 2 object(s) past due by more than 300s (oldest 301s)",
    })
  })

  it("should expose metrics owned elsewhere (leader election) with HELP and TYPE", async () => {
    const t = new Telemetry({
      now: () => 0,
      watchTimeoutSeconds: 1,
      maxOverdueSeconds: 1,
      processMetrics: false,
    })
    let requests = 3
    t.metrics.collected("sealbridge_leader", "1 while this replica leads.", "gauge", ["identity"], () => [
      [{ identity: "pod-a" }, 1],
    ])
    t.metrics.collected("sealbridge_lease_requests_total", "Lease API requests.", "counter", [], () => [
      [{}, requests],
    ])
    requests = 5
    const e = parseExposition(await t.metrics.text())
    expect(total(e, "sealbridge_leader", { identity: "pod-a" })).toBe(1)
    expect(total(e, "sealbridge_lease_requests_total")).toBe(5)
    expect(e.types.get("sealbridge_leader")).toBe("gauge")
    expect(e.types.get("sealbridge_lease_requests_total")).toBe("counter")
  })

  it("should not be ready before the controller is attached", () => {
    const t = new Telemetry({
      now: () => 0,
      watchTimeoutSeconds: 1,
      maxOverdueSeconds: 1,
      processMetrics: false,
    })
    expect(t.ready()).toEqual({ ok: false, reason: "starting" })
  })
})
