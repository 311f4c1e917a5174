// One measurement: `runs` fresh processes of a command under GNU time, after one warm-up run
// (fills the page cache and Node's compile cache, as any user's second run has them). A warm-up
// slower than 20 s counts as the first measured run, and a process slower than a minute is
// measured only once: the machine is shared. Returns the medians of wall time and CPU time
// (user + sys; wall time on a loaded machine mostly measures the run queue) and the largest
// peak RSS.
import { spawnSync } from "node:child_process"

export function measure(cmd, args, { env = {}, runs = 5, timeoutMs = 600_000, stdout = "pipe" } = {}) {
  const wall = []
  const cpu = []
  let rssMb = 0
  let planned = runs
  for (let i = -1; i < planned; i++) {
    const start = process.hrtime.bigint()
    // timeout(1) inside GNU time: killing time itself would leave the measured process running.
    const limit = ["timeout", "-s", "KILL", String(Math.ceil(timeoutMs / 1000))]
    const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", ...limit, cmd, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 1 << 30,
      stdio: ["ignore", stdout, "pipe"],
    })
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (r.status === 137) return { timedOut: true, ms: timeoutMs }
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.toString().slice(-500)}`)
    if (i < 0 && ms < 20_000) continue
    const lines = r.stderr.toString().trim().split("\n")
    const [user, sys, rssKb] = (lines[lines.length - 1] ?? "").split(" ").map(Number)
    wall.push(ms)
    cpu.push((user + sys) * 1000)
    rssMb = Math.max(rssMb, rssKb / 1024)
    if (ms > 60_000) planned = i + 1
  }
  return { ms: median(wall), cpuMs: median(cpu), rssMb, runs: wall.length }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
