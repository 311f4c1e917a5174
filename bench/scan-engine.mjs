// Throughput of the scan engine alone (scanText, one core, text already in memory) on a ~50 MB
// mixed tree: real node_modules sources (JS/TS/JSON/Markdown from this checkout) plus generated
// package-lock.json / yarn.lock files. Prints MB/s, files/s and the findings by rule (on this
// tree every finding is noise or a vendored test key: it is a false-positive probe too).
// Usage: npm run build && node bench/scan-engine.mjs [MB]
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { randomBytes } from "node:crypto"
import { loadavg } from "node:os"
import { isProbablyBinary, scanText } from "../dist/src/index.js"

const targetMb = Number(process.argv[2] ?? 50)
const root = fileURLToPath(new URL("../node_modules", import.meta.url))
const files = []
let bytes = 0

function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (bytes >= targetMb * 0.8 * 1e6) return
    const p = join(dir, name)
    const st = statSync(p, { throwIfNoEntry: false })
    if (!st) continue
    if (st.isDirectory()) walk(p)
    else if (/\.(m?js|cjs|ts|json|md|map)$/.test(name) && st.size < 4e6) {
      const buf = readFileSync(p)
      if (isProbablyBinary(buf)) continue
      files.push([p.slice(root.length + 1), buf.toString("utf8")])
      bytes += buf.length
    }
  }
}
walk(root)

function lockfile(i) {
  const pkgs = {}
  for (let k = 0; k < 400; k++) {
    const name = `pkg-${i}-${k}-tokens`
    pkgs[`node_modules/${name}`] = {
      version: `1.${k}.0`,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-1.${k}.0.tgz`,
      integrity: `sha512-${randomBytes(64).toString("base64")}`,
      dependencies: { "js-tokens": "^4.0.0", "safe-buffer": "^5.2.1" },
    }
  }
  return JSON.stringify({ name: `app-${i}`, lockfileVersion: 3, packages: pkgs }, null, 2)
}
function yarnLock(i) {
  const out = []
  for (let k = 0; k < 400; k++) {
    const n = `pkg-${i}-${k}`
    out.push(
      `"${n}@^1.0.0":\n  version "1.${k}.0"\n  resolved "https://registry.yarnpkg.com/${n}/-/${n}-1.${k}.0.tgz#${randomBytes(20).toString("hex")}"\n  integrity sha512-${randomBytes(64).toString("base64")}\n`,
    )
  }
  return out.join("\n")
}
for (let i = 0; bytes < targetMb * 1e6; i++) {
  const text = i % 2 ? yarnLock(i) : lockfile(i)
  files.push([i % 2 ? `lock/${i}/yarn.lock` : `lock/${i}/package-lock.json`, text])
  bytes += Buffer.byteLength(text)
}

const byRule = new Map()
let findings = 0
scanText(files[0][1], files[0][0]) // warm up the detector tables
const cpu0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
for (const [path, text] of files) {
  for (const f of scanText(text, path)) {
    findings++
    byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1)
  }
}
const s = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(cpu0)
const cpuS = (cpu.user + cpu.system) / 1e6
console.log(`scan engine: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s`)
console.log(
  `  ${(bytes / 1e6 / s).toFixed(1)} MB/s wall, ${(bytes / 1e6 / cpuS).toFixed(1)} MB/s per CPU second, ${Math.round(files.length / s)} files/s (one thread)`,
)
console.log(
  `  load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )} on ${(await import("node:os")).availableParallelism()} cores (wall figures shrink under load)`,
)
console.log(`  findings: ${findings}`, Object.fromEntries([...byRule].sort((a, b) => b[1] - a[1])))
console.log(`  rss: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`)
