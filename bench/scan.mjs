// npm run bench:scan — sealbridge scan vs gitleaks (the real binary from the peers) on:
//   1. a ~200 MB tree of npm packages (a copy of this checkout's node_modules, under /tmp),
//   2. a generated 10,000-commit history (git fast-import),
//   3. the labelled corpus in test/fixtures/scan (recall and precision against labels.json).
// Prints wall time, MB/s and peak RSS (GNU time) for both tools. Usage:
//   npm run build && node bench/scan.mjs [treeMB=200] [commits=10000]
// GITLEAKS_BIN comes from the environment or .peers/peers.env.
import { execFileSync, spawnSync } from "node:child_process"
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs"
import { loadavg } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { crc32 } from "node:zlib"

const root = fileURLToPath(new URL("..", import.meta.url))
const treeMb = Number(process.argv[2] ?? 200)
const commits = Number(process.argv[3] ?? 10_000)
const work = "/tmp/sealbridge-bench-scan"
const cli = join(root, "dist", "cli", "bin.js")

function peersEnv(name) {
  if (process.env[name]) return process.env[name]
  const f = join(root, ".peers", "peers.env")
  if (!existsSync(f)) return ""
  const m = new RegExp(`^${name}='([^']*)'`, "m").exec(readFileSync(f, "utf8"))
  return m ? m[1] : ""
}
const gitleaks = peersEnv("GITLEAKS_BIN")
if (!gitleaks || !existsSync(gitleaks)) {
  console.error("bench:scan needs gitleaks: run npm run peers:up (or set GITLEAKS_BIN)")
  process.exit(2)
}
if (!existsSync(cli)) {
  console.error("run npm run build first")
  process.exit(2)
}

// Checksum-valid GitHub-shaped tokens (never issued): CRC32 of the body, base62, 6 chars.
const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
let seed = 12345
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
const pick = (n) => Array.from({ length: n }, () => ALNUM[Math.floor(rand() * 62)]).join("")
function base62(n, width) {
  let s = ""
  for (; n > 0; n = Math.floor(n / 62)) s = ALNUM[n % 62] + s
  return s.padStart(width, "0")
}
const token = () => {
  const body = pick(30)
  return `ghp_${body}${base62(crc32(body), 6)}`
}

function dirBytes(dir) {
  let n = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) n += dirBytes(p)
    else if (e.isFile()) n += statSync(p).size
  }
  return n
}

function makeTree() {
  const tree = join(work, "tree")
  const marker = join(work, `tree-${treeMb}.done`)
  if (existsSync(marker)) return tree
  rmSync(tree, { recursive: true, force: true })
  mkdirSync(tree, { recursive: true })
  // Copies of node_modules until the tree reaches the target size.
  for (let i = 0; dirBytes(tree) < treeMb * 1e6 * 0.98 && i < 5; i++) {
    cpSync(join(root, "node_modules"), join(tree, `copy${i}`), {
      recursive: true,
      dereference: false,
      verbatimSymlinks: true,
    })
  }
  // A few planted secrets, so both tools have something real to find in the tree.
  for (let i = 0; i < 10; i++)
    writeFileSync(join(tree, `copy0/planted-${i}.env`), `GITHUB_TOKEN=${token()}\n`)
  writeFileSync(marker, "")
  return tree
}

function makeHistory() {
  const repo = join(work, `history-${commits}`)
  if (existsSync(join(repo, ".git"))) return repo
  rmSync(repo, { recursive: true, force: true })
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" }
  execFileSync("git", ["init", "-q", "-b", "main", repo], { env })
  const parts = []
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`
  for (let i = 1; i <= commits; i++) {
    // Each commit rewrites one of 200 ~2 KB source files; every 1000th plants a token, removed next commit.
    let body = `// revision ${i}\n`
    for (let k = 0; k < 40; k++) body += `export const v${k} = "${pick(24)}" // ${i}\n`
    if (i % 1000 === 0) body += `const token = "${token()}"\n`
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter t <t@example.invalid> ${1700000000 + i} +0000\n`,
    )
    parts.push(
      data(`change ${i}`),
      i > 1 ? `from :${i - 1}\n` : "",
      `M 100644 inline src/f${i % 200}.js\n`,
      data(body),
    )
  }
  execFileSync("git", ["fast-import", "--quiet"], {
    cwd: repo,
    input: parts.join(""),
    env,
    maxBuffer: 1 << 30,
  })
  execFileSync("git", ["checkout", "-q", "main"], { cwd: repo, env })
  return repo
}

// Wall seconds and peak RSS (MB) of a command, from GNU time.
function timed(cmd, args, cwd) {
  const r = spawnSync("/usr/bin/time", ["-f", "__time %e %M", cmd, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  })
  const m = /__time ([\d.]+) (\d+)/.exec(r.stderr)
  if (!m) throw new Error(`${cmd} failed: ${r.stderr.slice(-500)}`)
  return {
    status: r.status,
    seconds: Number(m[1]),
    rssMb: Number(m[2]) / 1024,
    stdout: r.stdout,
    stderr: r.stderr,
  }
}

const sealbridge = (args, cwd) => timed(process.execPath, [cli, "scan", "--no-progress", ...args], cwd)
const gl = (args, cwd) =>
  timed(gitleaks, [...args, "--no-banner", "--log-level", "error", "--exit-code", "1"], cwd)

function corpusScores() {
  const corpusSrc = join(root, "test", "fixtures", "scan")
  const labels = JSON.parse(readFileSync(join(corpusSrc, "labels.json"), "utf8"))
  const corpus = join(work, "corpus")
  rmSync(corpus, { recursive: true, force: true })
  mkdirSync(corpus, { recursive: true })
  for (const d of ["positives", "traps", "lookalikes"])
    cpSync(join(corpusSrc, d), join(corpus, d), { recursive: true })
  const truth = new Set(labels.positives.map((p) => `${p.path}:${p.line}`))
  const score = (hits) => {
    const uniq = new Set(hits)
    const tp = [...uniq].filter((h) => truth.has(h)).length
    const fp = uniq.size - tp
    return {
      tp,
      fp,
      positives: truth.size,
      recall: tp / truth.size,
      precision: uniq.size === 0 ? 1 : tp / uniq.size,
    }
  }
  const sOut = join(work, "corpus-sealbridge.json")
  sealbridge(["--format", "json", "--output", sOut, "."], corpus)
  const sHits = JSON.parse(readFileSync(sOut, "utf8")).findings.map((f) => `${f.path}:${f.line}`)
  const gOut = join(work, "corpus-gitleaks.json")
  gl(["dir", ".", "--report-format", "json", "--report-path", gOut], corpus)
  const gHits = JSON.parse(readFileSync(gOut, "utf8")).map((f) => `${relative(".", f.File)}:${f.StartLine}`)
  return { sealbridge: score(sHits), gitleaks: score(gHits) }
}

mkdirSync(work, { recursive: true })
const tree = makeTree()
const treeBytes = dirBytes(tree)
const repo = makeHistory()
const historyMb =
  Number(
    execFileSync("git", ["count-objects", "-v"], { cwd: repo, encoding: "utf8" }).match(
      /size-pack: (\d+)/,
    )?.[1] ?? 0,
  ) / 1024
console.log(
  `tree ${(treeBytes / 1e6).toFixed(0)} MB (${tree}); history ${commits} commits (${repo}); load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
)

const rows = []
// No size limit for either tool: gitleaks has none by default, sealbridge skips > 5 MiB unless told.
const sTree = sealbridge(
  [
    "--format",
    "json",
    "--max-file-size",
    String(1 << 30),
    "--output",
    join(work, "tree-sealbridge.json"),
    tree,
  ],
  work,
)
rows.push(["tree", "sealbridge", sTree, treeBytes])
const gTree = gl(
  ["dir", tree, "--report-format", "json", "--report-path", join(work, "tree-gitleaks.json")],
  work,
)
rows.push(["tree", "gitleaks", gTree, treeBytes])
const sHist = sealbridge(
  ["--git", "--format", "json", "--output", join(work, "history-sealbridge.json")],
  repo,
)
rows.push(["history", "sealbridge", sHist, null])
const gHist = gl(
  ["git", ".", "--report-format", "json", "--report-path", join(work, "history-gitleaks.json")],
  repo,
)
rows.push(["history", "gitleaks", gHist, null])

const count = (f, tool) => {
  const j = JSON.parse(readFileSync(f, "utf8"))
  return tool === "sealbridge" ? j.findings.length : j.length
}
console.log("\ntarget   tool        wall s   MB/s   peak RSS MB   findings")
for (const [target, tool, r, bytes] of rows) {
  const file = join(work, `${target}-${tool}.json`)
  const mbs = bytes === null ? "-" : (bytes / 1e6 / r.seconds).toFixed(1)
  console.log(
    `${target.padEnd(8)} ${tool.padEnd(11)} ${r.seconds.toFixed(1).padStart(6)} ${String(mbs).padStart(6)} ${r.rssMb.toFixed(0).padStart(12)}   ${count(file, tool)}`,
  )
}
const c = corpusScores()
console.log("\nlabelled corpus (test/fixtures/scan, match by path:line)")
for (const [tool, s] of Object.entries(c))
  console.log(
    `${tool.padEnd(11)} recall ${s.tp}/${s.positives} = ${(s.recall * 100).toFixed(0)} %   precision ${(s.precision * 100).toFixed(0)} %   false positives ${s.fp}`,
  )
console.log(
  `\nload average after: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
)
