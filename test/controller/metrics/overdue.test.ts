import { afterEach, describe, expect, it, vi } from "vitest"
import { DueTracker, TrackedQueue } from "../../../controller/metrics/overdue.js"
import type { ReconcileResult } from "../../../controller/reconcile/deps.js"

describe("DueTracker (fake clock)", () => {
  it("should report how far the most overdue key is past its due time, queued or in flight", () => {
    let now = 100_000
    const t = new DueTracker(() => now)
    expect(t.oldestOverdueSeconds()).toBe(0)
    t.due("a", now)
    t.due("b", now + 60_000) // a delayed requeue: not overdue yet
    now += 7_000
    expect(t.oldestOverdueSeconds()).toBe(7)
    t.started("a")
    now += 3_000
    expect(t.oldestOverdueSeconds()).toBe(10) // running still counts from its due time
    t.finished("a")
    expect(t.oldestOverdueSeconds()).toBe(0)
    now += 55_000 // b's due time passed 5 s ago and nothing took it
    expect(t.oldestOverdueSeconds()).toBe(5)
    expect(t.countOverdue(4)).toBe(1)
    expect(t.countOverdue(5)).toBe(0)
  })

  it("should keep the earliest due time when work for a key is added again", () => {
    let now = 0
    const t = new DueTracker(() => now)
    t.due("a", 1_000)
    t.due("a", 50_000)
    now = 11_000
    expect(t.oldestOverdueSeconds()).toBe(10)
    t.due("a", 0)
    expect(t.oldestOverdueSeconds()).toBe(11)
  })

  it("should track work added while a pass runs separately from that pass", () => {
    let now = 0
    const t = new DueTracker(() => now)
    t.due("a", 0)
    t.started("a")
    now = 2_000
    t.due("a", now) // an event during the pass: the key runs again afterwards
    t.finished("a")
    now = 5_000
    expect(t.oldestOverdueSeconds()).toBe(3)
  })
})

describe("DueTracker after a leadership change", () => {
  it("should count nothing as due before the moment this replica started to lead", () => {
    let now = 0
    const t = new DueTracker(() => now)
    t.due("queued-on-standby", 0)
    t.started("waiting-at-gate")
    t.due("future", 900_000)
    now = 600_000
    t.notBefore(now)
    expect(t.oldestOverdueSeconds()).toBe(0)
    now = 604_000
    expect(t.oldestOverdueSeconds()).toBe(4)
    expect(t.countOverdue(3)).toBe(2)
    now = 901_000
    expect(t.countOverdue(0.5)).toBe(3)
  })
})

describe("TrackedQueue (the real WorkQueue, fake timers)", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  function setup(results: Record<string, ReconcileResult>) {
    vi.useFakeTimers({ now: 0 })
    const release = new Map<string, () => void>()
    const q = new TrackedQueue(
      (key) => new Promise<ReconcileResult>((resolve) => release.set(key, () => resolve(results[key] ?? {}))),
      { concurrency: 1, baseBackoffMs: 1_000, maxBackoffMs: 60_000, random: () => 0.5, onError: () => {} },
    )
    const finish = async (key: string) => {
      release.get(key)?.()
      release.delete(key)
      await vi.advanceTimersByTimeAsync(0)
    }
    return { q, finish, release }
  }

  it("should count a key waiting behind a hung worker and the hung pass itself", async () => {
    const { q, finish } = setup({})
    q.add("hung")
    q.add("waiting")
    await vi.advanceTimersByTimeAsync(30_000)
    expect(q.due.oldestOverdueSeconds()).toBe(30)
    expect(q.due.countOverdue(10)).toBe(2)
    await finish("hung")
    expect(q.due.oldestOverdueSeconds()).toBe(30) // "waiting" has waited 30 s and now runs
    await finish("waiting")
    expect(q.due.oldestOverdueSeconds()).toBe(0)
  })

  it("should count a delayed requeue only once it is due and not picked up", async () => {
    const { q, finish } = setup({ a: { requeueAfterMs: 10_000 } })
    q.add("a")
    await finish("a")
    await vi.advanceTimersByTimeAsync(9_000)
    expect(q.due.oldestOverdueSeconds()).toBe(0)
    q.add("blocker") // takes the only worker before a's timer fires
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(6_000) // a due at 10 s, now 15 s
    expect(q.due.oldestOverdueSeconds()).toBe(6) // the blocker, added at 9 s
    await finish("blocker")
    expect(q.due.oldestOverdueSeconds()).toBe(5) // a, in flight since its timer fired late
    await finish("a")
    expect(q.due.oldestOverdueSeconds()).toBe(0)
  })

  it("should not count a failed key while its backoff runs, and count it again once due", async () => {
    const { q, finish } = setup({ bad: { retry: true } })
    q.add("bad")
    await finish("bad") // retried after 1 s (backoff) with jitter 1.0
    expect(q.due.oldestOverdueSeconds()).toBe(0)
    await vi.advanceTimersByTimeAsync(500)
    expect(q.due.oldestOverdueSeconds()).toBe(0)
    await vi.advanceTimersByTimeAsync(2_500) // the retry started at 1 s and hangs
    expect(q.due.oldestOverdueSeconds()).toBe(2)
  })
})
