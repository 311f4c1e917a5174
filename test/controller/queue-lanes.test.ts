import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Lane, WorkQueue, type Handler, type QueueOptions } from "../../controller/queue.js"

const base = {
  concurrency: 1,
  baseBackoffMs: 10,
  maxBackoffMs: 40,
  random: () => 0.5,
  onError: () => undefined,
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const until = async (cond: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await sleep(2)
  return cond()
}

/** A handler that records start order and holds keys named in `hold` until released. */
function recorder() {
  const started: string[] = []
  const gates = new Map<string, () => void>()
  const hold = new Set<string>()
  const handler: Handler = async (key) => {
    started.push(key)
    if (hold.has(key)) await new Promise<void>((r) => gates.set(key, r))
    return {}
  }
  const release = (key: string) => {
    hold.delete(key)
    gates.get(key)?.()
  }
  return { started, hold, handler, release }
}

describe("WorkQueue lanes", () => {
  it("should run an urgent key before a thousand periodic keys queued earlier", async () => {
    const r = recorder()
    r.hold.add("busy")
    const q = new WorkQueue(r.handler, base)
    q.add("busy")
    for (let i = 0; i < 1000; i++) q.add(`refresh-${i}`, Lane.Periodic)
    q.add("new", Lane.Urgent)
    expect(q.depthOf(Lane.Periodic)).toBe(1000)
    expect(q.depthOf(Lane.Urgent)).toBe(1)
    r.release("busy")
    expect(await until(() => r.started.length === 1002)).toBe(true)
    expect(r.started.slice(0, 3)).toEqual(["busy", "new", "refresh-0"])
    await q.shutdown(10)
  })

  it("should move a waiting periodic key up when it becomes urgent, and run it once", async () => {
    const r = recorder()
    r.hold.add("busy")
    const q = new WorkQueue(r.handler, base)
    q.add("busy")
    for (const k of ["p1", "p2", "p3"]) q.add(k, Lane.Periodic)
    q.add("p3", Lane.Urgent)
    q.add("p3", Lane.Periodic) // does not move it back down
    expect(q.depth).toBe(3)
    expect(q.depthOf(Lane.Urgent)).toBe(1)
    r.release("busy")
    expect(await until(() => r.started.length === 4)).toBe(true)
    await sleep(10)
    expect(r.started).toEqual(["busy", "p3", "p1", "p2"])
    await q.shutdown(10)
  })

  it("should ask laneOf when no lane is given, also when a requeue timer fires", async () => {
    const r = recorder()
    r.hold.add("busy")
    const urgent = new Set(["changed"])
    const q = new WorkQueue(r.handler, {
      ...base,
      laneOf: (k) => (urgent.has(k) ? Lane.Urgent : Lane.Periodic),
    })
    q.add("busy")
    q.add("due")
    q.addAfter("changed", 5)
    await sleep(20)
    expect(q.depthOf(Lane.Urgent)).toBe(1)
    r.release("busy")
    expect(await until(() => r.started.length === 3)).toBe(true)
    expect(r.started).toEqual(["busy", "changed", "due"])
    await q.shutdown(10)
  })

  it("should re-run a key made urgent while in flight ahead of the periodic backlog", async () => {
    const r = recorder()
    r.hold.add("k")
    const q = new WorkQueue(r.handler, base)
    q.add("k", Lane.Periodic)
    await sleep(5)
    for (let i = 0; i < 50; i++) q.add(`p${i}`, Lane.Periodic)
    q.add("k", Lane.Urgent) // edited while its reconcile runs
    r.release("k")
    expect(await until(() => r.started.length === 52)).toBe(true)
    expect(r.started.slice(0, 3)).toEqual(["k", "k", "p0"])
    await q.shutdown(10)
  })
  it("should decide the lane of a re-run when the run ends: its own writes' echo goes periodic", async () => {
    for (const stillUrgent of [false, true]) {
      const r = recorder()
      r.hold.add("k")
      const urgent = new Set(["k"])
      const q = new WorkQueue(r.handler, {
        ...base,
        laneOf: (k) => (urgent.has(k) ? Lane.Urgent : Lane.Periodic),
      })
      q.add("k")
      await sleep(5)
      for (let i = 0; i < 20; i++) q.add(`p${i}`)
      q.add("k") // e.g. the Secret it just created, seen before its status was written
      if (!stillUrgent) urgent.delete("k") // the run brought it in line
      r.release("k")
      expect(await until(() => r.started.length === 22)).toBe(true)
      expect(r.started.indexOf("k", 1)).toBe(stillUrgent ? 1 : 21)
      await q.shutdown(10)
    }
  })
})

describe("WorkQueue per-store caps", () => {
  const grouped = (opts: Partial<QueueOptions>): QueueOptions => ({
    ...base,
    concurrency: 4,
    groupOf: (k) => (k.includes("/") ? k.split("/")[0] : undefined),
    groupConcurrency: 2,
    ...opts,
  })

  it("should keep a store's reconciles in flight at its cap and let other stores' keys pass", async () => {
    const r = recorder()
    for (let i = 0; i < 10; i++) r.hold.add(`slow/${i}`)
    const q = new WorkQueue(r.handler, grouped({}))
    for (let i = 0; i < 10; i++) q.add(`slow/${i}`)
    for (let i = 0; i < 10; i++) q.add(`fast/${i}`)
    q.add("sops-key") // no store: never capped
    expect(await until(() => r.started.filter((k) => !k.startsWith("slow")).length === 11)).toBe(true)
    expect(r.started.filter((k) => k.startsWith("slow"))).toEqual(["slow/0", "slow/1"])
    expect(q.inFlightOf("slow")).toBe(2)
    expect(q.depth).toBe(8)
    r.release("slow/0")
    expect(await until(() => r.started.includes("slow/2"))).toBe(true)
    expect(q.inFlightOf("slow")).toBe(2)
    for (let i = 0; i < 10; i++) r.release(`slow/${i}`)
    expect(await until(() => r.started.length === 21)).toBe(true)
    await q.shutdown(10)
  })

  it("should give a hanging reconcile's worker back after releaseAfterMs (and not without it)", async () => {
    for (const releaseAfterMs of [undefined, 20]) {
      const r = recorder()
      r.hold.add("a/hang").add("b/hang")
      const q = new WorkQueue(
        r.handler,
        grouped({ concurrency: 2, ...(releaseAfterMs === undefined ? {} : { releaseAfterMs }) }),
      )
      q.add("a/hang")
      q.add("b/hang") // two hanging stores fill both workers
      for (let i = 0; i < 5; i++) q.add(`c/${i}`)
      await sleep(80)
      const others = r.started.filter((k) => k.startsWith("c/")).length
      expect(others).toBe(releaseAfterMs === undefined ? 0 : 5)
      expect(q.inFlight).toBe(2)
      r.release("a/hang")
      r.release("b/hang")
      await q.shutdown(10)
    }
  })

  it("should hold released reconciles to the store cap: a hanging store never exceeds it", async () => {
    const r = recorder()
    for (let i = 0; i < 20; i++) r.hold.add(`hang/${i}`)
    const q = new WorkQueue(r.handler, grouped({ concurrency: 2, releaseAfterMs: 5 }))
    for (let i = 0; i < 20; i++) q.add(`hang/${i}`)
    for (let i = 0; i < 20; i++) q.add(`ok/${i}`)
    expect(await until(() => r.started.filter((k) => k.startsWith("ok/")).length === 20)).toBe(true)
    expect(q.inFlightOf("hang")).toBe(2)
    expect(r.started.filter((k) => k.startsWith("hang/")).length).toBe(2)
    for (let i = 0; i < 20; i++) r.release(`hang/${i}`)
    await q.shutdown(10)
  })

  test.prop(
    [
      fc.array(
        fc.record({
          key: fc.constantFrom("s1/a", "s1/b", "s1/c", "s1/d", "s1/e", "s2/a", "s2/b", "x", "y"),
          lane: fc.constantFrom(Lane.Urgent, Lane.Periodic),
          ms: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 40 },
      ),
    ],
    { numRuns: 30 },
  )(
    "should never run one key twice at once nor a store past its cap, and run every added key",
    async (adds) => {
      const inFlight = new Set<string>()
      const perStore = new Map<string, number>()
      const violations: string[] = []
      const lastRun = new Map<string, number>()
      let clock = 0
      const q = new WorkQueue(
        async (key) => {
          if (inFlight.has(key)) violations.push(`twice ${key}`)
          inFlight.add(key)
          const s = key.split("/")[0] ?? ""
          if (key.includes("/")) perStore.set(s, (perStore.get(s) ?? 0) + 1)
          if ((perStore.get(s) ?? 0) > 2) violations.push(`cap ${s}`)
          await sleep(4 + (key.charCodeAt(key.length - 1) % 3))
          inFlight.delete(key)
          if (key.includes("/")) perStore.set(s, (perStore.get(s) ?? 1) - 1)
          lastRun.set(key, ++clock)
          return {}
        },
        grouped({ concurrency: 3, releaseAfterMs: 2 }),
      )
      const lastAdd = new Map<string, number>()
      for (const a of adds) {
        q.add(a.key, a.lane)
        lastAdd.set(a.key, clock)
        if (a.ms > 0) await sleep(a.ms)
      }
      expect(await until(() => q.depth === 0 && q.inFlight === 0)).toBe(true)
      expect(violations).toEqual([])
      // Every key ran after (or during: then again after) its last add.
      for (const [k, at] of lastAdd) expect(lastRun.get(k) ?? -1).toBeGreaterThan(at)
      await q.shutdown(10)
    },
  )
})
