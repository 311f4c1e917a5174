// One measurement: `runs` fresh processes of a command under GNU time, after one unmeasured
// warm-up run (fills the page cache and Node's compile cache, as any second run of a user has).
// Returns the medians of wall time and CPU time (user + sys) and the largest peak RSS. CPU time
// is reported because wall time on a shared, loaded machine mostly measures the queue.
import { spawnSync } from "node:child_process"

export function measure(cmd, args, { env = {}, runs = 5, timeoutMs = 600_000, warmup = true } = {}) {
  const wall = []
  const cpu = []
  let rssMb = 0
  let out
  for (let i = warmup ? -1 : 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", cmd, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 1 << 30,
      timeout: timeoutMs,
    })
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (r.error?.code === "ETIMEDOUT" || r.signal === "SIGTERM") return { timedOut: true, ms: timeoutMs }
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.toString().slice(-500)}`)
    const lines = r.stderr.toString().trim().split("\n")
    const [user, sys, rssKb] = (lines[lines.length - 1] ?? "").split(" ").map(Number)
    if (i < 0) {
      out = r.stdout
      continue
    }
    wall.push(ms)
    cpu.push((user + sys) * 1000)
    rssMb = Math.max(rssMb, rssKb / 1024)
  }
  return { ms: median(wall), cpuMs: median(cpu), rssMb, out }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
