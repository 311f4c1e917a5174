// What a cold start of the CLI compiles: the bytes of dist/cli/main.js (one CommonJS file; modules
// reached only through import() are in it too, wrapped so their top level runs on first use) by
// package or source directory. Packages read from dist/cli/vendor/ on first use are not in it.
// Usage:
//   BUNDLE_META=/tmp/meta.json node scripts/bundle.mjs && node scripts/bundle-report.mjs /tmp/meta.json [entry]
import { readFileSync } from "node:fs"

const [metaFile, entry = "main.js"] = process.argv.slice(2)
if (metaFile === undefined) throw new Error("usage: bundle-report.mjs META.json [entry]")
const outputs = JSON.parse(readFileSync(metaFile, "utf8")).outputs
const name = Object.keys(outputs).find((k) => k.endsWith(".js") && k.includes(entry))
if (name === undefined) throw new Error(`no output matches ${entry}`)

const closure = new Set()
const visit = (file) => {
  if (closure.has(file)) return
  closure.add(file)
  for (const i of outputs[file].imports) if (i.kind === "import-statement" && !i.external) visit(i.path)
}
visit(name)
const lazy = new Set()
for (const f of closure)
  for (const i of outputs[f].imports)
    if (i.kind === "dynamic-import" && !closure.has(i.path)) lazy.add(i.path)

const byPart = new Map()
let total = 0
for (const f of closure)
  for (const [input, { bytesInOutput }] of Object.entries(outputs[f].inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]
    const part = pkg ?? input.split("/").slice(0, 2).join("/")
    byPart.set(part, (byPart.get(part) ?? 0) + bytesInOutput)
    total += bytesInOutput
  }
const kb = (n) => `${(n / 1024).toFixed(0).padStart(6)} KB`
console.log(`${name}: ${closure.size} file(s) loaded at start, ${kb(total)}`)
for (const [part, bytes] of [...byPart].sort((a, b) => b[1] - a[1]))
  if (bytes >= 1024) console.log(`${kb(bytes)}  ${part}`)
console.log(`lazy chunks reachable from it: ${lazy.size}`)
for (const f of [...lazy].sort((a, b) => outputs[b].bytes - outputs[a].bytes))
  console.log(`${kb(outputs[f].bytes)}  ${f.replace(/.*\//, "")}`)
