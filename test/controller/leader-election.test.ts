import { describe, expect, it } from "vitest"
import { LeaderElector, type ElectionClock, type ElectionConfig } from "../../controller/leader/elector.js"
import type { LeaseApi, LeaseSpec } from "../../controller/kube/port.js"
import { LeaderGate } from "../../controller/leader/gate.js"
import { controllerOptions } from "../../controller/flags.js"
import { electionConfig } from "../../controller/leader/options.js"
import { microTime } from "../../controller/leader/record.js"
import { FakeKube } from "./fakes.js"

/** Virtual time: sleeps resolve when `advance` passes their deadline, in order. */
class ManualClock implements ElectionClock {
  t = 1_000_000
  readonly #sleepers = new Set<{ at: number; wake: () => void }>()
  readonly now = (): number => this.t

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve()
      const onAbort = (): void => {
        this.#sleepers.delete(s)
        resolve()
      }
      const s = {
        at: this.t + ms,
        wake: () => {
          signal.removeEventListener("abort", onAbort)
          resolve()
        },
      }
      this.#sleepers.add(s)
      signal.addEventListener("abort", onAbort, { once: true })
    })
  }

  /** Moves time forward in steps of at most `stepMs`, letting every woken task run. */
  async advance(ms: number, each?: () => void): Promise<void> {
    const end = this.t + ms
    for (;;) {
      await flush()
      const next = [...this.#sleepers].sort((a, b) => a.at - b.at)[0]
      if (next === undefined || next.at > end) break
      this.t = Math.max(this.t, next.at)
      this.#sleepers.delete(next)
      next.wake()
      await flush()
      each?.()
    }
    this.t = end
    await flush()
    each?.()
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

const NS = "sealbridge-system"
const NAME = "sealbridge-controller"
const cfg = (identity: string): ElectionConfig => ({
  namespace: NS,
  name: NAME,
  identity,
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
})

/** A replica's own view of the API server: its requests can fail or hang (a partition). */
function link(kube: FakeKube): LeaseApi & { fail: boolean; hang: boolean } {
  const l = {
    fail: false,
    hang: false,
    guard<T>(p: () => Promise<T>): Promise<T> {
      if (l.hang) return new Promise<T>(() => undefined)
      if (l.fail) return Promise.reject(new Error("connection refused"))
      return p()
    },
    get: (ns: string, n: string) => l.guard(() => kube.leases.get(ns, n)),
    create: (ns: string, n: string, s: LeaseSpec) => l.guard(() => kube.leases.create(ns, n, s)),
    update: (ns: string, n: string, s: LeaseSpec, rv: string) =>
      l.guard(() => kube.leases.update(ns, n, s, rv)),
  }
  return l
}

interface Replica {
  readonly elector: LeaderElector
  readonly link: ReturnType<typeof link>
  readonly abort: AbortController
  readonly log: string[]
  started: number | undefined
  stopped: number | undefined
  readonly done: Promise<void>
}

function replica(kube: FakeKube, clock: ManualClock, identity: string, random = () => 0.5): Replica {
  const l = link(kube)
  const abort = new AbortController()
  const log: string[] = []
  const r: Partial<Replica> & { log: string[] } = { log, started: undefined, stopped: undefined }
  const elector = new LeaderElector(
    l,
    cfg(identity),
    { clock, random },
    {
      onStartedLeading: () => {
        r.started = clock.t
        log.push("started")
      },
      onStoppedLeading: (reason) => {
        r.stopped = clock.t
        log.push(`stopped: ${reason}`)
      },
      onNewLeader: (id) => log.push(`leader ${id}`),
      onError: () => log.push("error"),
    },
  )
  return Object.assign(r, { elector, link: l, abort, done: elector.run(abort.signal) }) as Replica
}

const lease = (kube: FakeKube) => kube.leaseRecords.get(`${NS}/${NAME}`)

describe("leader election on a Lease", () => {
  it("should create the Lease and lead when none exists", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(0)
    expect(a.elector.leading).toBe(true)
    expect(a.started).toBe(clock.t)
    expect(lease(kube)).toMatchObject({
      holderIdentity: "pod-a_1",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
      renewTime: microTime(clock.t),
    })
    expect(lease(kube)?.renewTime).toMatch(/\.\d{6}Z$/)
    a.abort.abort()
    await a.done
  })

  it("should renew every retry period with one update and no read", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(0)
    const acquired = lease(kube)?.acquireTime
    kube.leaseCalls.length = 0
    await clock.advance(60_000)
    expect(a.elector.leading).toBe(true)
    expect(kube.leaseCalls.length).toBe(30)
    expect(kube.leaseCalls.every((c) => c.startsWith("update "))).toBe(true)
    expect(lease(kube)?.renewTime).toBe(microTime(clock.t))
    expect(lease(kube)?.acquireTime).toBe(acquired)
    expect(a.log).toEqual(["leader pod-a_1", "started"])
    a.abort.abort()
    await a.done
  })

  it("should keep a second replica standby while the leader renews", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(0)
    const b = replica(kube, clock, "pod-b_2")
    await clock.advance(120_000)
    expect(a.elector.leading).toBe(true)
    expect(b.elector.leading).toBe(false)
    expect(b.started).toBeUndefined()
    expect(b.elector.leader).toBe("pod-a_1")
    expect(lease(kube)?.holderIdentity).toBe("pod-a_1")
    for (const r of [a, b]) r.abort.abort()
    await Promise.all([a.done, b.done])
  })

  it("should let exactly one of two racing candidates win (409 is a lost race)", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    const b = replica(kube, clock, "pod-b_2")
    await clock.advance(30_000)
    expect([a.elector.leading, b.elector.leading].filter(Boolean)).toHaveLength(1)
    // Both wrote against the same resourceVersion or both created: one got a conflict.
    kube.writeLease(NS, NAME, { ...lease(kube)!, holderIdentity: "pod-a_1" })
    expect(lease(kube)?.leaseTransitions).toBe(0)
    for (const r of [a, b]) r.abort.abort()
    await Promise.all([a.done, b.done])
  })

  it("should take over an expired Lease within lease duration + retry period of the last renewal", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(0)
    const b = replica(kube, clock, "pod-b_2", () => 0.5)
    await clock.advance(7_000)
    // SIGKILL: the leader just stops, nothing is released.
    a.link.hang = true
    const killed = clock.t
    const lastRenew = Date.parse(lease(kube)!.renewTime)
    await clock.advance(40_000)
    expect(b.elector.leading).toBe(true)
    const handover = (b.started ?? Infinity) - killed
    expect(b.started! - lastRenew).toBeGreaterThanOrEqual(15_000)
    // It polls at most a retry period after the renewal and then tries right at the expiry.
    expect(b.started! - lastRenew).toBeLessThanOrEqual(15_000 + 2_000)
    expect(handover).toBeLessThanOrEqual(15_000 + 2_000)
    expect(lease(kube)).toMatchObject({ holderIdentity: "pod-b_2", leaseTransitions: 1 })
    // The old leader, cut off, stepped down at its renew deadline, before the take-over.
    expect(a.stopped).toBeLessThanOrEqual(lastRenew + 10_000)
    expect(a.stopped).toBeLessThan(b.started!)
    for (const r of [a, b]) r.abort.abort()
    await Promise.all([a.done, b.done])
  })

  it("should step down at the renew deadline when renewals fail, never overlapping the next leader", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(0)
    const b = replica(kube, clock, "pod-b_2")
    await clock.advance(5_000)
    a.link.fail = true
    const lastRenew = Date.parse(lease(kube)!.renewTime)
    let overlap = false
    await clock.advance(30_000, () => {
      if (a.elector.leading && b.elector.leading) overlap = true
    })
    expect(overlap).toBe(false)
    expect(a.stopped).toBe(lastRenew + 10_000)
    expect(a.log).toContain("stopped: not renewed within the renew deadline")
    expect(a.log.filter((l) => l === "error").length).toBeGreaterThan(2)
    expect(b.elector.leading).toBe(true)
    await a.done // run() returns once it stepped down
    b.abort.abort()
    await b.done
  })

  it("should step down at the deadline even when the renew request hangs", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(0)
    await clock.advance(4_000)
    const lastRenew = Date.parse(lease(kube)!.renewTime)
    a.link.hang = true
    await clock.advance(20_000)
    expect(a.elector.leading).toBe(false)
    expect(a.stopped).toBe(lastRenew + 10_000)
    await a.done
  })

  it("should step down at once when another replica holds the Lease", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(1_000)
    // Someone else wrote the Lease (a replica that judged it expired): the next renew conflicts.
    kube.writeLease(NS, NAME, { ...lease(kube)!, holderIdentity: "pod-z_9" })
    const written = clock.t
    await clock.advance(2_000)
    expect(a.elector.leading).toBe(false)
    expect(a.stopped).toBeLessThanOrEqual(written + 2_000)
    expect(kube.leaseCalls).toContain(`conflict ${NS}/${NAME}`)
    expect(a.log).toContain("stopped: lease held by pod-z_9")
    expect(lease(kube)?.holderIdentity).toBe("pod-z_9")
    await a.done
  })

  it("should release the Lease on clean shutdown so the standby takes over at its next try", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(0)
    const b = replica(kube, clock, "pod-b_2")
    await clock.advance(9_000)
    a.abort.abort()
    await a.done
    expect(a.elector.leading).toBe(true) // aborted while leading: the caller releases
    expect(await a.elector.release()).toBe(true)
    expect(a.elector.leading).toBe(false)
    expect(lease(kube)).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 })
    const released = clock.t
    await clock.advance(3_000)
    expect(b.elector.leading).toBe(true)
    expect(b.started! - released).toBeLessThanOrEqual(2_000)
    expect(lease(kube)).toMatchObject({ holderIdentity: "pod-b_2", leaseDurationSeconds: 15 })
    expect(await a.elector.release()).toBe(false) // not held any more
    b.abort.abort()
    await b.done
  })

  it("should still release when a renewal in flight at shutdown moved the resourceVersion", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    const a = replica(kube, clock, "pod-a_1")
    await clock.advance(3_000)
    a.abort.abort()
    await a.done
    // The renewal the loop gave up on lands on the server after all.
    kube.writeLease(NS, NAME, { ...lease(kube)!, renewTime: microTime(clock.t + 1) })
    expect(await a.elector.release()).toBe(true)
    const id = `${NS}/${NAME}`
    expect(kube.leaseCalls.slice(-4)).toEqual([`update ${id}`, `conflict ${id}`, `get ${id}`, `update ${id}`])
    expect(lease(kube)).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 })
  })

  it("should wait a full lease duration before taking over a Lease it finds held at start", async () => {
    const kube = new FakeKube()
    const clock = new ManualClock()
    // Left by a replica that died before this one started; its renewTime is not trusted (skew).
    kube.writeLease(NS, NAME, {
      holderIdentity: "gone_0",
      leaseDurationSeconds: 15,
      acquireTime: microTime(0),
      renewTime: microTime(0),
      leaseTransitions: 4,
    })
    const b = replica(kube, clock, "pod-b_2")
    const start = clock.t
    await clock.advance(14_000)
    expect(b.elector.leading).toBe(false)
    await clock.advance(3_000)
    expect(b.elector.leading).toBe(true)
    expect(b.started! - start).toBeGreaterThanOrEqual(15_000)
    expect(lease(kube)?.leaseTransitions).toBe(5)
    b.abort.abort()
    await b.done
  })
})

describe("leader election flags", () => {
  const env = { POD_NAMESPACE: "sb", POD_NAME: "sealbridge-7d9f" }

  it("should be off unless --leader-elect is given", () => {
    expect(electionConfig({}, env)).toBeUndefined()
  })

  it("should default to client-go's durations and a per-process identity", () => {
    const a = electionConfig({ leaderElect: true }, env)
    const b = electionConfig({ leaderElect: true }, env)
    expect(a).toMatchObject({
      namespace: "sb",
      name: "sealbridge-controller",
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    })
    expect(a?.identity).toMatch(/^sealbridge-7d9f_[0-9a-f]{8}$/)
    expect(a?.identity).not.toBe(b?.identity)
  })

  it("should reach the controller options only with --leader-elect", () => {
    const on = controllerOptions({ leaderElect: true, leaderElectLeaseDuration: "20s" }, env, () => undefined)
    expect(on.leaderElection).toMatchObject({ namespace: "sb", leaseDurationMs: 20_000 })
    expect(controllerOptions({}, env, () => undefined).leaderElection).toBeUndefined()
  })

  it("should refuse a renew deadline not shorter than the lease, and a missing namespace", () => {
    const f = { leaderElect: true, leaderElectLeaseDuration: "10s", leaderElectRenewDeadline: "10s" }
    expect(() => electionConfig(f, env)).toThrow(/--leader-elect-renew-deadline/)
    expect(() => electionConfig({ leaderElect: true, leaderElectRetryPeriod: "10s" }, env)).toThrow(
      /--leader-elect-retry-period/,
    )
    expect(() => electionConfig({ leaderElect: true }, {})).toThrow(/--leader-elect-namespace/)
    expect(
      electionConfig({ leaderElect: true, leaderElectNamespace: "x", leaderElectId: "y" }, {}),
    ).toMatchObject({ namespace: "x", name: "y" })
  })
})

describe("leader gate", () => {
  it("should hold work until opened and let an abort go", async () => {
    const gate = new LeaderGate()
    const stop = new AbortController()
    const held = gate.wait(new AbortController().signal)
    const aborted = gate.wait(stop.signal)
    let passed = false
    void held.then(() => (passed = true))
    await flush()
    expect(passed).toBe(false)
    stop.abort()
    expect(await aborted).toBe(false)
    gate.open()
    expect(await held).toBe(true)
    expect(await gate.wait(stop.signal)).toBe(true)
    gate.close()
    expect(gate.isOpen).toBe(false)
  })
})
