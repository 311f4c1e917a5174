// The measured phases of bench/controller.mjs (see there). Every count comes from the counting
// proxies in front of moto, OpenBao and the kube-apiserver; readiness from a watch on the objects.
import { createHash } from "node:crypto"
import { pool } from "./ctl-remote.mjs"
import { percentile } from "./ctl-report.mjs"

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const until = (t) => sleep(Math.max(0, t - Date.now()))
const DATA_OPS = { aws: ["GetSecretValue", "BatchGetSecretValue"], vault: ["read"] }

async function waitStores(kube, log) {
  for (const name of [kube.awsStore, kube.vaultStore]) {
    for (let i = 0; ; i++) {
      const s = await kube.custom.getClusterCustomObject({
        group: "sealbridge.dev",
        version: "v1alpha1",
        plural: "clustersecretstores",
        name,
      })
      const ready = s.status?.conditions?.find((c) => c.type === "Ready")
      if (ready?.status === "True") break
      if (i > 300) throw new Error(`store ${name} not Ready: ${ready?.message ?? "no status"}`)
      await sleep(200)
    }
  }
  log("both ClusterSecretStores Ready")
}

/** The ExternalSecrets, ordered so the sharers of one remote secret are created one after another. */
function plan(o, kube, remote, namespaces) {
  const list = []
  for (let j = 0; j < o.objects; j++) {
    const r = Math.floor((j * o.remotes) / o.objects)
    const onAws = r % 2 === 0
    const key = onAws ? `${remote.mount}/r${r}` : `r${r}`
    list.push(kube.externalSecret(namespaces[j % namespaces.length], `es-${j}`, key, onAws, `${o.refresh}s`))
  }
  return list
}

const keyOf = (es) => `${es.metadata.namespace}/${es.metadata.name}`

function dataCalls(proxies, from, to) {
  const aws = proxies.aws.between(from, to, DATA_OPS.aws)
  const vault = proxies.vault.between(from, to, DATA_OPS.vault)
  return { aws, vault, all: [...aws.map((r) => `aws:${r.key}`), ...vault.map((r) => `vault:${r.key}`)] }
}

/** The controller's refresh grid phase of one remote secret (controller/schedule.ts, restated). */
function phaseOf(store, key, R) {
  const h = createHash("sha256").update(`ClusterSecretStore\0${store}\0${key}`).digest()
  return h.readUInt32BE(0) % R
}

/**
 * Provider calls attributed to the refresh slot they serve (the last grid point of their remote
 * secret before the call), for the slots inside [start, end): a window edge cannot cut a slot's
 * work in two however late the queue runs. Every remote secret has exactly `cycles` slots there.
 */
function slotCounts(o, kube, remote, proxies, start, end) {
  const R = o.refresh * 1000
  const grid = new Map()
  for (let r = 0; r < o.remotes; r++) {
    const onAws = r % 2 === 0
    const key = onAws ? `${remote.mount}/r${r}` : `r${r}`
    const phase = phaseOf(onAws ? kube.awsStore : kube.vaultStore, key, R)
    const counts = new Map()
    for (let t = phase + Math.ceil((start - phase) / R) * R; t < end; t += R) counts.set(t, 0)
    grid.set(`${onAws ? "aws" : "vault"}:${key}`, { phase, counts })
  }
  const calls = dataCalls(proxies, start - R, end + R)
  const tagged = [
    ...calls.aws.map((r) => ({ id: `aws:${r.key}`, t: r.t })),
    ...calls.vault.map((r) => ({ id: `vault:${r.key}`, t: r.t })),
  ]
  const lags = []
  const out = { calls: 0, aws: 0, vault: 0 }
  for (const c of tagged) {
    const g = grid.get(c.id)
    if (g === undefined) continue
    const slot = g.phase + Math.floor((c.t - g.phase) / R) * R
    if (!g.counts.has(slot)) continue
    g.counts.set(slot, g.counts.get(slot) + 1)
    lags.push(c.t - slot)
    out.calls++
    out[c.id.startsWith("aws:") ? "aws" : "vault"]++
  }
  const all = [...grid.values()].flatMap((g) => [...g.counts.values()])
  const perKey = [...grid.values()].map((g) => [...g.counts.values()].reduce((a, b) => a + b, 0))
  return {
    ...out,
    slots: all.length,
    missed: all.filter((n) => n === 0).length,
    single: all.filter((n) => n === 1).length,
    keysFetched: perKey.filter((n) => n > 0).length,
    perKeyMin: Math.min(...perKey),
    perKeyMax: Math.max(...perKey),
    lag: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.length ? Math.max(...lags) : NaN },
  }
}

/**
 * Tokens the controller read KV with, and the span of those reads. Other controllers on the shared
 * API server validate every ClusterSecretStore too (so they log in to the bench's AppRole mount
 * and their tokens count among the accessors), but only this controller reads the bench's keys.
 */
function readTokens(records) {
  const reads = records.filter((r) => r.op === "read")
  const span = reads.length === 0 ? 0 : reads.at(-1).t - reads[0].t
  return {
    vaultReadTokens: new Set(reads.map((r) => r.tok)).size,
    vaultReads: reads.length,
    vaultReadSpanMs: span,
  }
}

/** Per token digest: requests and first-last use (which sessions the controller held). */
function tokensUsed(records) {
  const by = new Map()
  for (const r of records) by.set(r.tok, [...(by.get(r.tok) ?? []), r])
  const at = (t) => new Date(t).toISOString().slice(14, 21)
  return [...by].map(([tok, rs]) => `${tok} ${rs.length} ${at(rs[0].t)}-${at(rs.at(-1).t)}`)
}

function latency(records) {
  const ms = records.map((r) => r.ms).filter((m) => m !== undefined)
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) }
}

function byOp(records) {
  const out = {}
  for (const r of records) out[r.op] = (out[r.op] ?? 0) + 1
  return out
}

async function burstCreate(o, kube, list, log) {
  const sent = new Map()
  const t0 = Date.now()
  await pool(list, 16, (es) => {
    sent.set(keyOf(es), Date.now())
    return kube.create(es)
  })
  const createMs = Date.now() - t0
  log(`created ${list.length} ExternalSecrets in ${createMs} ms; waiting for Ready`)
  const missing = await kube.waitReady([...sent.keys()], Math.max(600_000, o.objects * 600))
  if (missing.length > 0)
    throw new Error(`${missing.length} ExternalSecrets never Ready (e.g. ${missing[0]})`)
  const lastReady = Math.max(...[...sent.keys()].map((k) => kube.readyAt.get(k)))
  const perObject = [...sent].map(([k, t]) => kube.readyAt.get(k) - t)
  return { t0, createMs, lastReady, allReadyMs: lastReady - t0, perObject }
}

/** Creates `n` new ExternalSecrets spread over `spanMs` and returns each one's create→Ready time. */
async function newObjects(o, kube, remote, namespaces, spanMs, log) {
  const sent = new Map()
  const jobs = []
  const t0 = Date.now()
  for (let k = 0; k < o.new; k++) {
    const r = (k * 7) % o.remotes
    const onAws = r % 2 === 0
    const es = kube.externalSecret(
      namespaces[k % namespaces.length],
      `new-${k}`,
      onAws ? `${remote.mount}/r${r}` : `r${r}`,
      onAws,
      `${o.refresh}s`,
    )
    await until(t0 + (k * spanMs) / o.new)
    sent.set(keyOf(es), Date.now())
    jobs.push(kube.create(es))
  }
  await Promise.all(jobs)
  const missing = await kube.waitReady([...sent.keys()], 300_000)
  if (missing.length > 0) throw new Error(`${missing.length} new ExternalSecrets never Ready`)
  const lat = [...sent].map(([k, t]) => kube.readyAt.get(k) - t)
  log(`${o.new} new ExternalSecrets Ready (p99 ${percentile(lat, 99)} ms)`)
  return { lat, keys: [...sent.keys()] }
}

/** Waits until the kube proxy has seen no request but watches for `quietMs`. */
async function quiet(proxies, quietMs, maxMs) {
  const deadline = Date.now() + maxMs
  for (;;) {
    const last = proxies.kube.records.findLast((r) => r.op !== "watch")?.t ?? 0
    if (Date.now() - last >= quietMs || Date.now() > deadline) return
    await sleep(500)
  }
}

export async function runPhases({ o, kube, remote, proxies, ctl, namespaces, log }) {
  const R = o.refresh * 1000
  kube.startReadyWatch()
  await waitStores(kube, log)
  const list = plan(o, kube, remote, namespaces)

  // 1. Burst creation: time until all are Ready.
  const a = await burstCreate(o, kube, list, log)
  const initial = dataCalls(proxies, a.t0, a.lastReady + 1)
  log(`all Ready after ${a.allReadyMs} ms (${initial.all.length} provider calls)`)

  // 2+3. Whole refresh cycles, once every object is on its refresh grid (≤ R/2 after its sync).
  const start = a.lastReady + R / 2 + 2_000
  await until(start)
  const tokenSamples = []
  const countTokens = async () => {
    const n = (await remote.admin.tokensFrom(remote.authPath)).ours
    tokenSamples.push(`${new Date().toISOString().slice(14, 21)} ${n}`)
    return n
  }
  const tokens = { start: await countTokens(), max: 0 }
  tokens.max = tokens.start
  const end = start + o.cycles * R
  log(`counting ${o.cycles} refresh cycles of ${o.refresh} s`)
  while (Date.now() < end) {
    await until(Math.min(end, Date.now() + R / 2))
    tokens.max = Math.max(tokens.max, await countTokens())
  }
  const cyc = dataCalls(proxies, start, end)
  const slots = slotCounts(o, kube, remote, proxies, start, end)
  // Only requests about the bench's own objects: the controller also validates every other
  // ClusterSecretStore on the shared API server (other tests' leftovers), which is not this load.
  const ours = (r) => r.path?.includes(`sbb-${kube.id}`) || r.path?.endsWith("/clustersecretstores")
  // ... and of those, the ones about ExternalSecrets and their Secrets (not store validation)
  const objectNs = new RegExp(`/namespaces/sbb-${kube.id}-\\d+/`)
  const onObjects = (r) => objectNs.test(r.path ?? "")
  const kubeCycle = byOp(proxies.kube.between(start, end).filter((r) => r.op !== "watch" && ours(r)))
  const kubePerCycle = Object.fromEntries(
    Object.entries(kubeCycle).map(([k, v]) => [k, Math.round((v / o.cycles) * 10) / 10]),
  )
  log(
    `refresh cycles: ${slots.calls} provider calls for ${slots.slots} refresh slots (${cyc.all.length} inside the window), kube ${JSON.stringify(kubeCycle)}`,
  )
  const gets = proxies.kube.between(start, end, ["get", "list", "create", "patch"]).map((r) => r.path)
  if (gets.length > 0) log(`kube reads/writes besides status: ${[...new Set(gets)].slice(0, 5).join(" ")}`)

  // 5. New objects created while the refreshes go on.
  const fresh = await newObjects(o, kube, remote, namespaces, Math.min(R, 60_000), log)
  tokens.end = await countTokens()
  tokens.max = Math.max(tokens.max, tokens.end)

  // 3. Nothing due: every interval set to 1h, then requests per minute while idle.
  const all = [
    ...list,
    ...fresh.keys.map((k) => ({ metadata: { namespace: k.split("/")[0], name: k.split("/")[1] } })),
  ]
  await kube.setRefresh(all, "1h", 16)
  await quiet(proxies, 10_000, Math.max(300_000, o.objects * 300))
  const idleFrom = Date.now()
  await sleep(o.idle * 1000)
  const idleAll = proxies.kube.between(idleFrom, Date.now())
  const idle = idleAll.filter(ours)
  const perMin = (n) => (n * 60) / o.idle
  log(`idle ${o.idle} s: kube ${JSON.stringify(byOp(idle))}`)

  const vaultOps = byOp(proxies.vault.records)
  const vaultObjects = list.filter((es) => es.spec.secretStoreRef.name === kube.vaultStore).length
  return {
    objects: o.objects,
    remotes: o.remotes,
    namespaces: namespaces.length,
    cycles: { count: o.cycles, refresh: `${o.refresh}s` },
    createMs: a.createMs,
    allReadyMs: a.allReadyMs,
    createToReady: { p50: percentile(a.perObject, 50), p99: percentile(a.perObject, 99) },
    initialCalls: initial.all.length,
    awsCalls: slots.aws,
    vaultCalls: slots.vault,
    callsPerCycle: slots.calls / o.cycles,
    windowCalls: cyc.all.length,
    slots: slots.slots,
    slotsMissed: slots.missed,
    slotsShared: slots.single,
    keysFetched: slots.keysFetched,
    perKeyMin: slots.perKeyMin,
    perKeyMax: slots.perKeyMax,
    refreshLagMs: slots.lag,
    kubePerCycle,
    idlePerMin: perMin(idle.filter((r) => r.op !== "watch").length),
    idleWatchPerMin: perMin(idle.filter((r) => r.op === "watch").length),
    idleByOp: byOp(idle),
    idleForeign: idleAll.length - idle.length,
    idleObjectRequests: idle.filter((r) => r.op !== "watch" && onObjects(r)).length,
    kubePerCycleObjects: byOp(
      proxies.kube.between(start, end).filter((r) => r.op !== "watch" && onObjects(r)),
    ),
    newCount: o.new,
    newLatency: {
      p50: percentile(fresh.lat, 50),
      p99: percentile(fresh.lat, 99),
      max: Math.max(...fresh.lat),
    },
    tokens,
    tokenTtlS: 2 * o.refresh,
    vault: { login: vaultOps.login ?? 0, renew: vaultOps.renew ?? 0, revoke: vaultOps.revoke ?? 0 },
    vaultReconciles: vaultObjects * o.cycles,
    awsOps: byOp(proxies.aws.records),
    vaultOps,
    vaultAuthLog: proxies.vault.records
      .filter((r) => r.op !== "read" || r.status !== 200)
      .map((r) => `${new Date(r.t).toISOString().slice(14, 21)} ${r.op} ${r.status} ${r.tok}`),
    vaultTokensUsed: tokensUsed(proxies.vault.records),
    ...readTokens(proxies.vault.records),
    tokenSamples,
    kubeLatencyMs: latency(proxies.kube.records.filter((r) => r.op !== "watch")),
    providerLatencyMs: latency([...proxies.aws.records, ...proxies.vault.records]),
    controllerPid: ctl.child.pid,
  }
}
