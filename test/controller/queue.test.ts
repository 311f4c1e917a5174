import { describe, expect, it } from "vitest"
import { WorkQueue, type Handler } from "../../controller/queue.js"

const opts = {
  concurrency: 2,
  baseBackoffMs: 10,
  maxBackoffMs: 40,
  random: () => 0.5,
  onError: () => undefined,
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("WorkQueue", () => {
  it("should dedupe a key queued twice and re-run a key added while it was processing", async () => {
    const seen: string[] = []
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => (release = r))
    const handler: Handler = async (key) => {
      seen.push(key)
      if (seen.length === 1) await gate
      return {}
    }
    const q = new WorkQueue(handler, { ...opts, concurrency: 1 })
    q.add("a")
    q.add("b")
    q.add("b")
    await sleep(5)
    q.add("a") // while "a" is in flight
    release()
    await sleep(20)
    expect(seen).toEqual(["a", "b", "a"])
    await q.shutdown(10)
  })

  it("should back off exponentially on failure up to the maximum and reset on success", async () => {
    const times: number[] = []
    let n = 0
    const q = new WorkQueue(() => {
      times.push(Date.now())
      n++
      return Promise.resolve(n <= 4 ? { retry: true } : {})
    }, opts)
    q.add("k")
    await sleep(250)
    expect(n).toBe(5)
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
    expect(gaps[0]).toBeGreaterThanOrEqual(9)
    expect(gaps[2]).toBeGreaterThanOrEqual(38)
    await q.shutdown(10)
  })

  it("should keep only the earliest delayed requeue of a key", async () => {
    let n = 0
    const q = new WorkQueue(() => {
      n++
      return Promise.resolve({})
    }, opts)
    q.addAfter("k", 200)
    q.addAfter("k", 20)
    q.addAfter("k", 100)
    await sleep(60)
    expect(n).toBe(1)
    await sleep(200)
    expect(n).toBe(1)
    await q.shutdown(10)
  })

  it("should retry a handler that throws, and stop taking work after shutdown", async () => {
    let n = 0
    const q = new WorkQueue(() => {
      n++
      return n === 1 ? Promise.reject(new Error("boom")) : Promise.resolve({})
    }, opts)
    q.add("k")
    await sleep(40)
    expect(n).toBe(2)
    await q.shutdown(10)
    q.add("k")
    await sleep(10)
    expect(n).toBe(2)
  })
})
