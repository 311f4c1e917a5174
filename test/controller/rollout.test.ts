import { describe, expect, it } from "vitest"
import { Kind, RESTARTED_AT_ANNOTATION } from "../../controller/api/constants.js"
import type { RolloutTarget } from "../../controller/api/types.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { RolloutRestarter } from "../../controller/rollout.js"
import { FakeKube, harness, readyVaultStore } from "./fakes.js"

/** Virtual timers: run() fires whatever is due at `t`. */
function timers() {
  let t = 0
  const due: { at: number; fn: () => void; live: boolean }[] = []
  return {
    set: (fn: () => void, ms: number) => {
      const entry = { at: t + ms, fn, live: true }
      due.push(entry)
      return { cancel: () => void (entry.live = false) }
    },
    advance(ms: number) {
      t += ms
      for (const e of due) {
        if (!e.live || e.at > t) continue
        e.live = false
        e.fn()
      }
    },
  }
}

const logs: string[] = []
const log = {
  info: (m: string) => void logs.push(m),
  warn: (m: string) => void logs.push(m),
  error: () => {},
}
const flush = () => new Promise((r) => setImmediate(r))

describe("RolloutRestarter", () => {
  const web: RolloutTarget = { kind: "Deployment", name: "web" }
  const db: RolloutTarget = { kind: "StatefulSet", name: "db" }

  function setup() {
    const kube = new FakeKube()
    kube.workloads.set("Deployment/ns/web", [])
    kube.workloads.set("StatefulSet/ns/db", [])
    const clock = timers()
    const r = new RolloutRestarter({
      kube,
      now: () => new Date("2026-12-02T00:00:00Z"),
      log,
      debounceMs: 5_000,
      setTimer: clock.set,
    })
    return { kube, clock, r }
  }

  it("should restart a workload once for three Secrets changing within the quiet period", async () => {
    const { kube, clock, r } = setup()
    r.request("ns", [web], "a")
    clock.advance(2_000)
    r.request("ns", [web, db], "b")
    clock.advance(2_000)
    r.request("ns", [web], "c")
    clock.advance(4_999)
    await flush()
    // db's quiet period (from b) is over, web's (from c) is not
    expect(kube.workloads.get("Deployment/ns/web")).toEqual([])
    expect(kube.workloads.get("StatefulSet/ns/db")).toHaveLength(1)
    clock.advance(1)
    await flush()
    expect(kube.workloads.get("Deployment/ns/web")).toEqual([
      { [RESTARTED_AT_ANNOTATION]: "2026-12-02T00:00:00.000Z" },
    ])
    expect(r.restarts).toBe(2)
    expect(r.pending).toBe(0)
  })

  it("should run waiting restarts at shutdown instead of losing them, and tell a missing workload", async () => {
    const { kube, r } = setup()
    r.request("ns", [web, { kind: "DaemonSet", name: "gone" }], "a")
    await r.flush()
    expect(kube.workloads.get("Deployment/ns/web")).toHaveLength(1)
    expect(r.restarts).toBe(1)
    expect(logs).toContain("rollout restart target not found")
  })
})

describe("rolloutRestartTargets in the ExternalSecret reconcile", () => {
  it("should ask for a restart only when the synced data changes, not on creation or drift repair", async () => {
    const h = harness()
    const requests: string[] = []
    const deps = {
      ...h.deps,
      restarts: {
        request: (ns: string, t: readonly RolloutTarget[], s: string) =>
          void requests.push(`${ns}/${t.map((x) => x.name).join(",")}/${s}`),
      },
    }
    await readyVaultStore(h, "ns", "vault", deps)
    h.provider.put("db", { password: "one" })
    h.kube.put(Kind.ExternalSecret, "ns", "app", {
      secretStoreRef: { name: "vault" },
      refreshInterval: "1m",
      data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }],
      rolloutRestartTargets: [{ kind: "Deployment", name: "web" }],
    })
    const run = () =>
      reconcileExternalSecret(
        deps,
        { kind: Kind.ExternalSecret, namespace: "ns", name: "app" },
        new AbortController().signal,
      )
    await run()
    expect(h.kube.secretText("ns", "app")).toEqual({ password: "one" })
    expect(requests).toEqual([])
    // someone edits the Secret: repaired, same data as before, no restart
    h.kube.putSecret("ns", "app", { password: "edited" })
    await run()
    expect(h.kube.secretText("ns", "app")).toEqual({ password: "one" })
    expect(requests).toEqual([])
    h.provider.put("db", { password: "two" })
    h.clock.advance(60_000)
    await run()
    expect(h.kube.secretText("ns", "app")).toEqual({ password: "two" })
    expect(requests).toEqual(["ns/web/app"])
  })
})
