// Sealing/opening time and peak memory for a generated 10,000-leaf YAML and a ~1 MB JSON, the
// CLI's cold start, and the same runs with the real sops binary when it is available
// (SOPS_BIN, or the peers cache). Prints figures and ratios; asserts nothing (targets live here,
// not in timed tests).
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "sealbridge-bench-"))
const runs = Number(process.env.BENCH_RUNS ?? 3)
const sopsBin = [
  process.env.SOPS_BIN,
  join(
    process.env.SEALBRIDGE_PEERS_HOME ?? join(homedir(), ".cache", "sealbridge-peers"),
    "bin",
    "sops-v3.13.2",
    "sops",
  ),
].find((p) => p && existsSync(p))

function makeYaml(leaves) {
  const lines = []
  for (let i = 0; i < leaves / 2; i++) {
    lines.push(`svc_${i}:`, `    user: user-${i}`, `    password: pw-${i}-${"x".repeat(i % 17)}`)
  }
  return lines.join("\n") + "\n"
}

function makeJson(targetBytes) {
  const items = []
  let size = 0
  for (let i = 0; size < targetBytes; i++) {
    const item = `\t\t{\n\t\t\t"id": ${i},\n\t\t\t"name": "item-${i}",\n\t\t\t"ratio": ${i}.5,\n\t\t\t"token": "${"t".repeat(20)}${i}"\n\t\t}`
    items.push(item)
    size += item.length + 2
  }
  return `{\n\t"items": [\n${items.join(",\n")}\n\t]\n}\n`
}

/** Median wall time and max peak RSS over `runs` runs of a command (GNU time for RSS). */
function measure(cmd, args, env) {
  const times = []
  let rss = 0
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 1 << 28,
    })
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.toString().slice(-500)}`)
    const lines = r.stderr.toString().trim().split("\n")
    rss = Math.max(rss, Number(lines[lines.length - 1]) / 1024)
    if (i === 0 && r.stdout.length > 0) measure.lastOut = r.stdout
  }
  times.sort((a, b) => a - b)
  return { ms: times[Math.floor(times.length / 2)], rssMb: rss }
}

const fmt = (m) => `${m.ms.toFixed(0).padStart(6)} ms  ${m.rssMb.toFixed(0).padStart(4)} MB`
const ratio = (a, b) => (b ? `${(a.ms / b.ms).toFixed(2)}×` : "n/a")

try {
  const keyFile = join(dir, "keys.txt")
  const recipient = execFileSync(process.execPath, [cli, "keygen", "-o", keyFile], {
    encoding: "utf8",
  }).trim()
  const env = { SOPS_AGE_KEY_FILE: keyFile }
  const inputs = [
    ["yaml 10,000 leaves", "big.yaml", makeYaml(10_000)],
    ["json ~1 MB", "big.json", makeJson(1_000_000)],
  ]
  console.log(
    `sealbridge bench (median of ${runs}; peak RSS by GNU time)${sopsBin ? `; sops: ${sopsBin}` : "; sops binary not found"}`,
  )
  console.log(`${"case".padEnd(34)} ${"sealbridge".padEnd(18)} ${"sops".padEnd(18)} ratio`)
  const cold = measure(process.execPath, [cli, "--version"], env)
  const sopsCold = sopsBin ? measure(sopsBin, ["--version", "--disable-version-check"], env) : undefined
  console.log(
    `${"cold start (--version)".padEnd(34)} ${fmt(cold)}  ${sopsCold ? fmt(sopsCold) : "-".padEnd(16)}  ${ratio(cold, sopsCold)}`,
  )
  for (const [label, name, text] of inputs) {
    const plain = join(dir, name)
    writeFileSync(plain, text)
    const sealedOurs = join(dir, `sealed-ours-${name}`)
    const enc = measure(
      process.execPath,
      [cli, "encrypt", "--age", recipient, "--output", sealedOurs, plain],
      env,
    )
    const dec = measure(process.execPath, [cli, "decrypt", sealedOurs], env)
    let sEnc, sDec
    if (sopsBin) {
      const sealedSops = join(dir, `sealed-sops-${name}`)
      sEnc = measure(sopsBin, ["encrypt", "--age", recipient, "--output", sealedSops, plain], env)
      sDec = measure(sopsBin, ["decrypt", sealedSops], env)
    }
    const kb = (Buffer.byteLength(text) / 1024).toFixed(0)
    console.log(
      `${`encrypt ${label} (${kb} KB)`.padEnd(34)} ${fmt(enc)}  ${sEnc ? fmt(sEnc) : "-".padEnd(16)}  ${ratio(enc, sEnc)}`,
    )
    console.log(
      `${`decrypt ${label}`.padEnd(34)} ${fmt(dec)}  ${sDec ? fmt(sDec) : "-".padEnd(16)}  ${ratio(dec, sDec)}`,
    )
    if (readFileSync(plain, "utf8") !== text) throw new Error("bench input changed")
  }
  console.log("ratio = sealbridge time / sops time (below 1 is faster than sops)")
} finally {
  rmSync(dir, { recursive: true, force: true })
}
