// Merges Stryker JSON reports (reports/mutation/*.json) into one, for a directory measured in
// several runs (e.g. a ranged `--mutate file:1-9` rerun of the lines with survivors after an
// earlier full run). Later reports replace earlier ones mutant by mutant (same file, location,
// mutator and replacement); `full:` before a report means it holds its files in full and
// replaces them whole. A file whose source differs between reports is an error: its mutants
// would not be the same. Usage:
//   node scripts/mutation-merge.mjs out.json first.json [full:]later.json ...
// then `node scripts/mutation-summary.mjs out.json`.
import { readFileSync, writeFileSync } from "node:fs"

const [out, ...inputs] = process.argv.slice(2)
if (out === undefined || inputs.length === 0) {
  console.error("usage: node scripts/mutation-merge.mjs out.json first.json [full:]later.json ...")
  process.exit(2)
}
const where = (m) =>
  `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`
const key = (m) => `${where(m)} ${m.mutatorName} ${m.replacement ?? ""}`
let merged = null
for (const spec of inputs) {
  const full = spec.startsWith("full:")
  const report = JSON.parse(readFileSync(full ? spec.slice(5) : spec, "utf8"))
  if (merged === null) {
    merged = report
    continue
  }
  for (const [file, f] of Object.entries(report.files)) {
    const old = merged.files[file]
    if (full || old === undefined) {
      merged.files[file] = f
      continue
    }
    if (old.source !== f.source) throw new Error(`${file}: the source differs between the reports`)
    const byKey = new Map(old.mutants.map((m) => [key(m), m]))
    for (const m of f.mutants) byKey.set(key(m), m)
    merged.files[file] = { ...old, mutants: [...byKey.values()] }
  }
}
writeFileSync(out, JSON.stringify(merged))
