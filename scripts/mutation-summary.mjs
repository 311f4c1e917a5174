// Summarises a Stryker JSON report (reports/mutation/<dir>.json): per file and in total the
// mutants, killed, timed out, survived, no coverage and the score (detected / valid), then every
// surviving or uncovered mutant as file:line mutator → replacement. Usage:
//   node scripts/mutation-summary.mjs reports/mutation/seal.json
import { readFileSync } from "node:fs"

const report = JSON.parse(readFileSync(process.argv[2] ?? "reports/mutation/seal.json", "utf8"))
const blank = () => ({ mutants: 0, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 })
const total = blank()
const rows = []
const open = []
for (const [file, { mutants }] of Object.entries(report.files)) {
  const c = blank()
  for (const m of mutants) {
    if (m.status === "Ignored") continue
    c.mutants++
    if (m.status in c) c[m.status]++
    else c.other++
    if (m.status === "Survived" || m.status === "NoCoverage")
      open.push(
        `${file}:${m.location.start.line} ${m.status} ${m.mutatorName} → ${JSON.stringify(m.replacement ?? "")}`,
      )
  }
  for (const k of Object.keys(c)) total[k] += c[k]
  rows.push([file, c])
}
const score = (c) => {
  const valid = c.Killed + c.Timeout + c.Survived + c.NoCoverage
  return valid === 0 ? "n/a" : `${((100 * (c.Killed + c.Timeout)) / valid).toFixed(1)} %`
}
console.log("| file | mutants | killed | timed out | survived | no coverage | score |")
console.log("|---|---|---|---|---|---|---|")
for (const [file, c] of [...rows, ["total", total]])
  console.log(
    `| ${file} | ${c.mutants} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${score(c)} |`,
  )
console.log("")
for (const line of open) console.log(line)
