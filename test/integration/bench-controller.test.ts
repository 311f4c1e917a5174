import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { requirePeer } from "./peers.js"

// `npm run bench:controller` at a small size, against the real peers: the bench's own counts
// (taken at the counting proxies in front of moto, OpenBao and the kube-apiserver) must agree
// with what the controller promises — one provider call per distinct remote secret per refresh
// cycle, no kube request while nothing is due, Vault tokens flat.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")

const repo = new URL("../../", import.meta.url).pathname
const REMOTES = 6
const CYCLES = 2

interface BenchResult {
  objects: number
  remotes: number
  allReadyMs: number
  awsCalls: number
  vaultCalls: number
  callsPerCycle: number
  keysFetched: number
  slots: number
  slotsShared: number
  slotsMissed: number
  perKeyMin: number
  perKeyMax: number
  kubePerCycle: Record<string, number>
  kubePerCycleObjects: Record<string, number>
  idleObjectRequests: number
  idleByOp: Record<string, number>
  newCount: number
  newLatency: { p50: number; p99: number; max: number }
  tokens: { start: number; max: number; end: number; afterStop: number }
  vaultReads: number
  vaultReadTokens: number
  vaultReadSpanMs: number
  revokedOnStop: boolean
  vault: { login: number; renew: number; revoke: number }
  peakRssMb: number
}

function runBench(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${repo}bench/controller.mjs`, ...args], {
      cwd: repo,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let out = ""
    let err = ""
    child.stdout.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    child.on("exit", (code) => resolve({ code, out, err }))
  })
}

describe.skipIf(kubePeer.skip || motoPeer.skip || vaultPeer.skip)("bench:controller (small)", () => {
  it("counts one provider call per remote secret per cycle, no idle kube traffic, flat Vault tokens", async () => {
    const args = ["--objects", "24", "--remotes", String(REMOTES), "--refresh", "10", "--cycles"]
    const run = await runBench([...args, String(CYCLES), "--new", "4", "--idle", "10", "--json"])
    expect(run.code, `${run.err.slice(-3000)}`).toBe(0)
    const line = run.out.split("\n").find((l) => l.startsWith("BENCH_JSON "))
    expect(line, run.out).toBeDefined()
    const r = JSON.parse((line ?? "").slice("BENCH_JSON ".length)) as BenchResult

    // The printed table carries the same figures.
    expect(run.out).toContain("| provider calls per refresh cycle (counted at moto and OpenBao) | 6 (")

    // Shared fetches: every remote secret read exactly once in each of its refresh slots, on both
    // providers (4 ExternalSecrets, 2 data entries each, share every call).
    expect(r.slots).toBe(REMOTES * CYCLES)
    expect([r.slotsShared, r.slotsMissed]).toEqual([r.slots, 0])
    expect(r.callsPerCycle).toBe(REMOTES)
    expect(r.awsCalls).toBe((REMOTES / 2) * CYCLES)
    expect(r.vaultCalls).toBe((REMOTES / 2) * CYCLES)
    expect(r.keysFetched).toBe(REMOTES)
    expect([r.perKeyMin, r.perKeyMax]).toEqual([CYCLES, CYCLES])

    // Refreshes with unchanged data write the status only: no Secret apply, no GET. (Requests
    // about the stores are left out: another controller on the shared API server writing their
    // status makes this one re-validate them.)
    expect(Object.keys(r.kubePerCycleObjects)).toEqual(["patch-status"])
    // Nothing due: no request about the ExternalSecrets or their Secrets but watch re-opens.
    expect(r.idleObjectRequests).toBe(0)

    // Vault: one session whose token is replaced only when it expires (TTL 2 × 10 s here), not a
    // token per reconcile (that would be one per KV read); revoked at shutdown. (The accessor count
    // also holds tokens of other controllers validating the bench's ClusterSecretStore.)
    expect(r.vaultReads).toBeGreaterThanOrEqual(REMOTES * CYCLES)
    expect(r.vaultReadTokens).toBeLessThanOrEqual(Math.ceil(r.vaultReadSpanMs / 15_000) + 2)
    expect(r.vaultReadTokens).toBeLessThan(r.vaultReads / 2)
    expect(r.revokedOnStop).toBe(true)

    expect(r.newLatency.max).toBeGreaterThan(0)
    expect(r.peakRssMb).toBeGreaterThan(0)
  }, 300_000)
})
