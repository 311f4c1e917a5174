// Issue 13's small-file rows against the runtime's floor: CPU time (user + sys) of cold processes
// on every Node in BENCH_NODES (colon-separated paths; default this Node), medians of BENCH_RUNS
// (default 11): `node -e 0`; bench/floor-work.mjs (the bare per-value work of sealing a 10,000-line
// dotenv file, no CLI); sealbridge sealing and opening that file; and sops doing the same. CPU time
// is compared, not wall time: the machine is shared and wall time measures its run queue.
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { makeDotenv } from "./inputs.mjs"
import { measure } from "./measure.mjs"
import { findSops } from "./sops-bin.mjs"

const cli = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url))
const work = fileURLToPath(new URL("./floor-work.mjs", import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 11)
const nodes = (process.env.BENCH_NODES ?? process.execPath).split(":").filter(Boolean)
const sopsBin = findSops()
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")
const cpu = (cmd, args, env) => `cpu ${measure(cmd, args, { env, runs }).cpuMs.toFixed(0)} ms`

const dir = mkdtempSync(join(tmpdir(), "sealbridge-floor-"))
try {
  const keyFile = join(dir, "keys.txt")
  const recipient = execFileSync(process.execPath, [cli, "keygen", "-o", keyFile], {
    encoding: "utf8",
  }).trim()
  const env = { SOPS_AGE_KEY_FILE: keyFile, SOPS_AGE_RECIPIENTS: recipient }
  const plain = join(dir, "big.env")
  writeFileSync(plain, makeDotenv(10_000))
  const sealed = join(dir, "big.enc.env")
  execFileSync(process.execPath, [cli, "encrypt", "--age", recipient, "--output", sealed, plain])
  const out = join(dir, "out.env")
  console.log(`CPU time, median of ${runs} cold processes; load average ${load()}`)
  for (const n of nodes) {
    const v = execFileSync(n, ["--version"], { encoding: "utf8" }).trim()
    console.log(`node ${v}`)
    console.log(`  node -e 0                          ${cpu(n, ["-e", "0"], env)}`)
    console.log(`  floor-work.mjs, dotenv 10k lines   ${cpu(n, [work, plain, out], env)}`)
    console.log(
      `  sealbridge encrypt, dotenv 10k     ${cpu(n, [cli, "encrypt", "--age", recipient, "--output", out, plain], env)}`,
    )
    console.log(
      `  sealbridge decrypt, dotenv 10k     ${cpu(n, [cli, "decrypt", "--output", out, sealed], env)}`,
    )
  }
  if (sopsBin) {
    console.log("sops")
    console.log(
      `  sops encrypt, dotenv 10k           ${cpu(sopsBin, ["encrypt", "--output", out, plain], env)}`,
    )
    console.log(
      `  sops decrypt, dotenv 10k           ${cpu(sopsBin, ["decrypt", "--output", out, sealed], env)}`,
    )
  }
  console.log(`load average after: ${load()}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
