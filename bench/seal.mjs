// `npm run bench:seal`: sealbridge and the real sops binary on the same generated files — YAML
// 1k/10k/100k leaves, JSON 1/10 MB, dotenv 10k lines, binary 100 MB — sealing and opening, each
// the median of BENCH_RUNS (default 5) fresh processes with peak RSS (GNU time), plus the cold
// start. Prints the load average next to the figures (the machine is shared) and ends with a
// Markdown table for README. Asserts nothing except that every opened file equals its input.
// Each cell: median wall time, median CPU time (user + sys: on a loaded machine wall time mostly
// measures the run queue), peak RSS. BENCH_CASES=yaml-10k,json-1mb picks rows (`keys` for the
// KMS/transit rows of bench/keys.mjs; yaml-50mb, a 56 MB YAML, only when named); BENCH_TIMEOUT_S
// caps one process (default 300).
import { execFileSync, spawnSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { makeBinary, makeDotenv, makeJson, makeYaml } from "./inputs.mjs"
import { measure } from "./measure.mjs"
import { findSops } from "./sops-bin.mjs"
import { keyRows } from "./keys.mjs"

const cli = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 5)
const timeoutMs = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000
const only = process.env.BENCH_CASES?.split(",")
const sopsBin = findSops()
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")

const cases = [
  ["yaml-1k", "YAML, 1,000 leaves", "a.yaml", () => makeYaml(1_000)],
  ["yaml-10k", "YAML, 10,000 leaves", "b.yaml", () => makeYaml(10_000)],
  ["yaml-100k", "YAML, 100,000 leaves", "c.yaml", () => makeYaml(100_000)],
  ["json-1mb", "JSON, 1 MB", "a.json", () => makeJson(1_000_000)],
  ["json-10mb", "JSON, 10 MB", "b.json", () => makeJson(10_000_000)],
  ["dotenv-10k", "dotenv, 10,000 lines", "a.env", () => makeDotenv(10_000)],
  ["binary-100mb", "binary, 100 MB", "a.bin", () => makeBinary(100 * 1024 * 1024)],
  ["yaml-50mb", "YAML, 1.7M leaves", "d.yaml", () => makeYaml(1_700_000), "opt-in"],
].filter(([id, , , , optIn]) => (only === undefined ? optIn === undefined : only.includes(id)))

const size = (bytes) =>
  bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`
const fmtMs = (ms) => `${ms >= 10_000 ? Math.round(ms).toLocaleString("en") : ms.toFixed(0)} ms`
const cell = (m) => {
  if (m === undefined) return "–"
  if (m.timedOut) return `> ${m.ms / 1000} s`
  const cpu = `cpu ${fmtMs(m.cpuMs)}`
  return `${fmtMs(m.ms)} (${cpu}), ${m.rssMb.toFixed(0)} MB${m.runs < runs ? ` (${m.runs} run)` : ""}`
}
const usable = (a, b) => a !== undefined && b !== undefined && !a.timedOut && !b.timedOut
const ratio = (a, b) => (usable(a, b) ? `${(a.ms / b.ms).toFixed(2)}×` : "–")
const cpuRatio = (a, b) => (usable(a, b) && b.cpuMs > 0 ? `${(a.cpuMs / b.cpuMs).toFixed(2)}×` : "–")

const rows = []
function record(label, ours, theirs, inputBytes) {
  // Peak RSS as a multiple of the input only where the input, not Node itself, dominates it.
  const big = inputBytes !== undefined && inputBytes >= 10 << 20 && !ours.timedOut
  const rssPerInput = big ? (ours.rssMb * (1 << 20)) / inputBytes : undefined
  rows.push({ label, ours, theirs, rssPerInput })
  const mult = rssPerInput === undefined ? "" : `  RSS ${rssPerInput.toFixed(1)}× input`
  console.log(
    `${label.padEnd(38)} ${cell(ours).padEnd(34)} | ${cell(theirs).padEnd(34)} | ${ratio(ours, theirs).padEnd(6)} cpu ${cpuRatio(ours, theirs)}${mult}  [load ${load()}]`,
  )
}

/** Runs `cmd` with stdout to /dev/null (decrypt output is not buffered in this process). */
function timed(cmd, args, env) {
  const devnull = openSync("/dev/null", "w")
  try {
    return measure(cmd, args, { env, runs, timeoutMs, stdout: devnull })
  } finally {
    closeSync(devnull)
  }
}

const dir = mkdtempSync(join(tmpdir(), "sealbridge-bench-"))
try {
  const keyFile = join(dir, "keys.txt")
  const recipient = execFileSync(process.execPath, [cli, "keygen", "-o", keyFile], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim()
  const env = { SOPS_AGE_KEY_FILE: keyFile }
  console.log(
    `sealbridge bench on Node ${process.version}: median of ${runs} cold processes, peak RSS by GNU time`,
  )
  console.log(`sops: ${sopsBin ?? "not found (set SOPS_BIN)"}; load average at start: ${load()}`)

  record(
    "cold start (--version)",
    timed(process.execPath, [cli, "--version"], env),
    sopsBin && timed(sopsBin, ["--version", "--disable-version-check"], env),
  )
  const small = join(dir, "small.yaml")
  writeFileSync(small, "db:\n    user: admin\n    password: hunter2\n")
  const smallSealed = join(dir, "small.enc.yaml")
  execFileSync(process.execPath, [cli, "encrypt", "--age", recipient, "--output", smallSealed, small], {
    env,
  })
  record(
    "cold decrypt (small age file)",
    timed(process.execPath, [cli, "decrypt", smallSealed], env),
    sopsBin && timed(sopsBin, ["decrypt", smallSealed], env),
  )

  for (const [, label, name, make] of cases) {
    const plain = join(dir, name)
    writeFileSync(plain, make())
    const bytes = statSync(plain).size
    const ours = join(dir, `ours.${name}`)
    const theirs = join(dir, `sops.${name}`)
    const enc = timed(process.execPath, [cli, "encrypt", "--age", recipient, "--output", ours, plain], env)
    const sEnc = sopsBin && timed(sopsBin, ["encrypt", "--age", recipient, "--output", theirs, plain], env)
    record(`encrypt ${label} (${size(bytes)})`, enc, sEnc, bytes)
    const dec = timed(process.execPath, [cli, "decrypt", ours], env)
    const sDec = sopsBin && !sEnc.timedOut ? timed(sopsBin, ["decrypt", theirs], env) : undefined
    record(`decrypt ${label}`, dec, sDec, bytes)
    if (name === "c.yaml") {
      // One key of a large file: with --ignore-mac only that key is opened (the MAC, over every
      // plaintext value, needs them all; sops opens all values either way, as its decrypt row).
      const path = '["svc_7"]["user"]'
      record(
        "decrypt --extract one key (same file)",
        timed(process.execPath, [cli, "decrypt", "--extract", path, ours], env),
        undefined,
      )
      record(
        "decrypt --extract one key --ignore-mac",
        timed(process.execPath, [cli, "decrypt", "--ignore-mac", "--extract", path, ours], env),
        undefined,
      )
    }
    const back = spawnSync(process.execPath, [cli, "decrypt", ours], {
      env: { ...process.env, ...env },
      maxBuffer: 1 << 30,
    })
    if (!readFileSync(plain).equals(back.stdout))
      throw new Error(`${name}: decrypt did not give back the input`)
    for (const f of [ours, theirs, plain]) rmSync(f, { force: true })
  }
  if (only === undefined || only.includes("keys"))
    await keyRows({ dir, cli, sopsBin, record, timed: (cmd, args, env) => timed(cmd, args, env) })
  console.log(`load average at end: ${load()}`)
  console.log(
    "\n| case | sealbridge: wall (CPU), peak RSS | sops: wall (CPU), peak RSS | wall ratio | CPU ratio |\n|---|---|---|---|---|",
  )
  for (const r of rows) {
    const mult = r.rssPerInput === undefined ? "" : ` (${r.rssPerInput.toFixed(1)}× input)`
    const cells = [
      r.label,
      cell(r.ours) + mult,
      cell(r.theirs),
      ratio(r.ours, r.theirs),
      cpuRatio(r.ours, r.theirs),
    ]
    console.log(`| ${cells.join(" | ")} |`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
