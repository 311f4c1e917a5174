// npm run bench:controller — the built controller (dist/) as its own process against the real
// peers: N remote secrets (Secrets Manager on moto and Vault KV v2 on OpenBao, mixed) read by M
// ExternalSecrets (each remote shared by ~M/N of them, over a fresh namespace set, through two
// ClusterSecretStores). moto, OpenBao and kube-apiserver are reached through counting proxies the
// bench owns. Phases: burst-create all and time until Ready; count provider calls and kube
// requests over whole refresh cycles; create new objects during the refreshes (latency); count
// Vault tokens; set every interval to 1h and count kube requests while nothing is due; clean up.
//   node bench/controller.mjs [--objects 2000] [--remotes 500] [--namespaces 10] [--refresh 60]
//     [--cycles 5] [--new 50] [--idle 60] [--concurrency N] [--json] [--keep]
import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parse, stringify } from "yaml"
import { CountingProxy, classifyAws, classifyKube, vaultClassifier } from "./ctl-proxy.mjs"
import { BenchKube } from "./ctl-kube.mjs"
import { createRemotes, deleteRemotes } from "./ctl-remote.mjs"
import { table } from "./ctl-report.mjs"
import { runPhases } from "./ctl-phases.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const log = (m) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`)

function options(argv) {
  const o = {
    objects: 2000,
    remotes: 500,
    refresh: 60,
    cycles: 5,
    new: 50,
    idle: 60,
    json: false,
    keep: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === "--json") o.json = true
    else if (a === "--keep") o.keep = true
    else if (a.startsWith("--") && argv[i + 1] !== undefined) o[a.slice(2)] = Number(argv[++i])
    else throw new Error(`unknown argument ${a}`)
  }
  o.namespaces ??= Math.max(1, Math.ceil(o.objects / 200))
  for (const [k, v] of Object.entries(o))
    if (typeof v === "number" && !(Number.isFinite(v) && v >= 0)) throw new Error(`--${k}: expected a number`)
  if (o.remotes < 2 || o.objects < o.remotes) throw new Error("need --remotes ≥ 2 and --objects ≥ --remotes")
  return o
}

function peersEnv() {
  const f = join(root, ".peers", "peers.env")
  const env = { ...process.env }
  if (existsSync(f))
    for (const m of readFileSync(f, "utf8").matchAll(/^([A-Z0-9_]+)='([^']*)'$/gm)) env[m[1]] ??= m[2]
  for (const k of ["KUBECONFIG", "VAULT_ADDR", "VAULT_TOKEN", "AWS_ENDPOINT_URL_SECRETS_MANAGER"])
    if (!env[k]) throw new Error(`${k} is not set: start the peers (npm run peers:up)`)
  return env
}

/** A kubeconfig for the controller that reaches the API server through the counting proxy. */
function proxiedKubeconfig(real, proxyUrl, dir) {
  const kc = parse(readFileSync(real, "utf8"))
  for (const c of kc.clusters) c.cluster = { server: proxyUrl, "insecure-skip-tls-verify": true }
  const path = join(dir, "kubeconfig")
  writeFileSync(path, stringify(kc), { mode: 0o600 })
  return path
}

function upstreamKube(real) {
  const kc = parse(readFileSync(real, "utf8"))
  const cluster = kc.clusters.find((c) => c.name === kc.contexts[0].context.cluster)?.cluster ?? {}
  const ca = cluster["certificate-authority-data"]
    ? Buffer.from(cluster["certificate-authority-data"], "base64")
    : cluster["certificate-authority"]
      ? readFileSync(cluster["certificate-authority"])
      : undefined
  return { server: cluster.server, ca }
}

async function startController(env, o, kubeconfig, namespaces, sys, proxies) {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const args = [
    join(root, "dist/cli/bin.js"),
    "controller",
    "--kubeconfig",
    kubeconfig,
    "--namespace",
    namespaces.join(","),
    "--hash-key-secret",
    `${sys}/hash-key`,
    "--metrics-port",
    String(port),
    "--health-port",
    String(port),
    ...(o.concurrency === undefined ? [] : ["--concurrency", String(o.concurrency)]),
  ]
  const child = spawn(process.execPath, args, {
    env: {
      PATH: env.PATH,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: proxies.aws.url,
      AWS_ENDPOINT_URL_STS: proxies.aws.url,
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  })
  const ctl = { child, port, tail: [], warnings: 0, rssMaxKb: 0 }
  const file = env.BENCH_CTL_LOG ? createWriteStream(env.BENCH_CTL_LOG) : undefined
  const keep = (d) => {
    file?.write(d)
    for (const line of d.toString().split("\n")) {
      if (line === "") continue
      if (line.includes('"level":"warn"') || line.includes('"level":"error"')) ctl.warnings++
      ctl.tail.push(line)
      if (ctl.tail.length > 40) ctl.tail.shift()
    }
  }
  child.stdout.on("data", keep)
  child.stderr.on("data", keep)
  for (let i = 0; ; i++) {
    if (child.exitCode !== null)
      throw new Error(`controller exited ${child.exitCode}:\n${ctl.tail.join("\n")}`)
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    if (i > 600) throw new Error("controller not ready after 60 s")
    await new Promise((r) => setTimeout(r, 100))
  }
  ctl.sampler = setInterval(() => {
    const s = procStatus(child.pid)
    if (s.VmRSS > ctl.rssMaxKb) ctl.rssMaxKb = s.VmRSS
  }, 1000)
  return ctl
}

/** VmRSS/VmHWM (kB) of a live process. */
function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8")
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0)
    return { VmRSS: kb("VmRSS"), VmHWM: kb("VmHWM") }
  } catch {
    return { VmRSS: 0, VmHWM: 0 }
  }
}

/** Whether the controller still runs (a zombie counts as gone). */
function alive(child) {
  if (child.exitCode !== null || child.signalCode !== null) return false
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${child.pid}/stat`, "utf8"))
  } catch {
    return false
  }
}

// Polls rather than awaiting "exit": in some runs that event never came although the process was
// gone, and the bench hung before its cleanup.
async function stopController(ctl) {
  if (ctl === undefined) return
  clearInterval(ctl.sampler)
  if (!alive(ctl.child)) return
  ctl.child.kill("SIGTERM")
  for (let i = 0; i < 300 && alive(ctl.child); i++) await new Promise((r) => setTimeout(r, 100))
  if (alive(ctl.child)) ctl.child.kill("SIGKILL")
}

async function main() {
  const o = options(process.argv.slice(2))
  const env = peersEnv()
  if (!existsSync(join(root, "dist/cli/bin.js"))) throw new Error("run npm run build first")
  const id = randomUUID().slice(0, 6)
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-ctl-"))
  const load = {
    start: loadavg()
      .map((x) => x.toFixed(1))
      .join(" "),
  }
  log(
    `bench:controller ${id}: ${o.objects} ExternalSecrets over ${o.remotes} remote secrets, refresh ${o.refresh} s`,
  )
  const mount = `sbbench-${id}`
  const kubeUp = upstreamKube(env.KUBECONFIG)
  const proxies = {
    aws: await new CountingProxy(env.AWS_ENDPOINT_URL_SECRETS_MANAGER, classifyAws).start(),
    vault: await new CountingProxy(env.VAULT_ADDR, vaultClassifier(mount)).start(),
    kube: await new CountingProxy(kubeUp.server, classifyKube, { ca: kubeUp.ca }).start(),
  }
  const kube = new BenchKube(env.KUBECONFIG, id)
  const namespaces = kube.namespaces(o.namespaces)
  let remote
  let ctl
  let result
  let cleaned
  // Runs once: from the finally below, or on Ctrl-C / SIGTERM mid-run.
  const cleanup = () =>
    (cleaned ??= (async () => {
      log("cleaning up")
      await stopController(ctl)
      await kube.stopReadyWatch()
      if (!o.keep) {
        await kube.cleanup(namespaces, log).catch((e) => log(`kube cleanup: ${e.message}`))
        await deleteRemotes(env, id, remote, log).catch((e) => log(`remote cleanup: ${e.message}`))
      }
      for (const p of Object.values(proxies)) await p.stop()
      rmSync(dir, { recursive: true, force: true })
    })())
  for (const sig of ["SIGINT", "SIGTERM"])
    process.once(sig, () => {
      log(`${sig}: cleaning up`)
      void cleanup().finally(() => process.exit(130))
    })
  try {
    await kube.installCrds(root)
    remote = await createRemotes(env, id, o.remotes, 2 * o.refresh, log)
    await kube.setup(namespaces, { approle: remote.approle, vaultUrl: proxies.vault.url, mount })
    const kubeconfig = proxiedKubeconfig(env.KUBECONFIG, proxies.kube.url, dir)
    ctl = await startController(env, o, kubeconfig, namespaces, kube.sys, proxies)
    log(`controller started (pid ${ctl.child.pid})`)
    result = await runPhases({ o, kube, remote, proxies, ctl, namespaces, log })
    const s = procStatus(ctl.child.pid)
    result.peakRssMb = Math.max(s.VmHWM, ctl.rssMaxKb) / 1024
    result.endRssMb = s.VmRSS / 1024
    log("stopping the controller")
    await stopController(ctl)
    await new Promise((r) => setTimeout(r, 1000))
    result.tokens.afterStop = (await remote.admin.tokensFrom(remote.authPath)).ours
    // The controller's session token (the last one it read KV with) revoked at shutdown (403: it
    // had expired already, unused since the last read).
    const lastRead = proxies.vault.records.findLast((r) => r.op === "read")
    result.revokedOnStop = proxies.vault.records.some(
      (r) => r.op === "revoke" && r.tok === lastRead?.tok && r.t > lastRead.t,
    )
    result.controllerWarnings = ctl.warnings
    result.load = {
      start: load.start,
      end: loadavg()
        .map((x) => x.toFixed(1))
        .join(" "),
    }
    result.node = process.version
    // Printed before the cleanup, so a slow cleanup cannot lose the figures.
    console.log(table(result))
    console.log(
      `\nload average ${result.load.start} at the start, ${result.load.end} at the end; Node ${process.version}`,
    )
    if (o.json) console.log(`BENCH_JSON ${JSON.stringify(result)}`)
  } catch (err) {
    if (ctl !== undefined) log(`controller log tail:\n${ctl.tail.join("\n")}`)
    throw err
  } finally {
    await cleanup()
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench:controller failed: ${err.stack ?? err}`)
    process.exit(1)
  },
)
