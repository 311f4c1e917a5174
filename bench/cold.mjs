// Cold start of the CLI: a bare `node -e 0` (the runtime's own floor), `--version`, `filestatus`
// and `decrypt` of a small age-sealed YAML,
// each a fresh process (median of BENCH_RUNS, default 7), on every Node in BENCH_NODES
// (colon-separated paths; default this Node) and with sops when it is found. BENCH_CLI picks the
// entry file (default dist/cli/bin.js, the installed command).
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { measure } from "./measure.mjs"
import { findSops } from "./sops-bin.mjs"

const cli = process.env.BENCH_CLI
  ? resolve(process.env.BENCH_CLI)
  : fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 7)
const nodes = (process.env.BENCH_NODES ?? process.execPath).split(":").filter(Boolean)
const sopsBin = findSops()
const show = (m) => `${m.ms.toFixed(0)} ms (cpu ${m.cpuMs.toFixed(0)})`

const dir = mkdtempSync(join(tmpdir(), "sealbridge-cold-"))
try {
  const keyFile = join(dir, "keys.txt")
  const recipient = execFileSync(process.execPath, [cli, "keygen", "-o", keyFile], {
    encoding: "utf8",
  }).trim()
  const env = { SOPS_AGE_KEY_FILE: keyFile }
  const plain = join(dir, "small.yaml")
  writeFileSync(plain, "db:\n    user: admin\n    password: hunter2\napi_key: abc\n")
  const sealed = join(dir, "small.enc.yaml")
  writeFileSync(
    sealed,
    execFileSync(process.execPath, [cli, "encrypt", "--age", recipient, plain], {
      env: { ...process.env, ...env },
    }),
  )
  const cases = [
    ["--version", ["--version"], ["--version", "--disable-version-check"]],
    ["filestatus", ["filestatus", sealed], ["filestatus", sealed]],
    ["decrypt (age, small yaml)", ["decrypt", sealed], ["decrypt", sealed]],
  ]
  console.log(
    `cold start of ${cli}, median of ${runs} processes; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  )
  // The floor under every row: a Node process that runs nothing. What sealbridge adds is the
  // difference; sops' whole command is compared against it too (issue 13's small-file rows).
  const bare = nodes.map((n) => {
    const v = execFileSync(n, ["--version"], { encoding: "utf8" }).trim()
    return `node ${v}: ${show(measure(n, ["-e", "0"], { env, runs }))}`
  })
  console.log(`${"bare node (-e 0)".padEnd(26)} ${bare.join("   ")}`)
  for (const [label, ours, theirs] of cases) {
    const cols = nodes.map((n) => {
      const v = execFileSync(n, ["--version"], { encoding: "utf8" }).trim()
      return `node ${v}: ${show(measure(n, [cli, ...ours], { env, runs }))}`
    })
    if (sopsBin) cols.push(`sops: ${show(measure(sopsBin, theirs, { env, runs }))}`)
    console.log(`${label.padEnd(26)} ${cols.join("   ")}`)
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
