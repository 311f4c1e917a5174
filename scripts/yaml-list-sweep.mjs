// Writes test/fixtures/yaml-gap/list-sweep.sops-3.13.2.json: what sops 3.13.2 (go-yaml v3) makes of
// generated block lists with comments: a list under a top-level or nested key, indented or at its
// key's column, one to three items (scalars, empty `-`, maps of one or two keys, nested lists),
// after some of them one or two comments at assorted columns, then a top-level key, a key of the
// enclosing map or the end. `sealed` is sops' layout (values and comments in the clear,
// scripts/sops-comment-placement.mjs). Inputs sops refuses, or whose comments it does not give
// back one for one, are skipped.
// Usage: SOPS=<sops 3.13.2> node scripts/yaml-list-sweep.mjs [out.json]
import { writeFileSync } from "node:fs"
import { sopsCommentPlacement } from "./sops-comment-placement.mjs"

const file = process.argv[2] ?? "test/fixtures/yaml-gap/list-sweep.sops-3.13.2.json"
const { sealed, cleanup } = sopsCommentPlacement("yaml-list-sweep-")
let s = 7
const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
const pick = (a) => a[Math.floor(rnd() * a.length)]
const out = []
const seen = new Set()
for (let n = 0; n < 500 && out.length < 300; n++) {
  const nested = rnd() < 0.5
  let t = nested ? "a:\n  b:\n" : "a:\n"
  const base = nested ? 2 : 0
  const lc = base + pick([0, 2])
  const items = pick([1, 2, 3])
  for (let i = 0; i < items; i++) {
    const kind = pick(["s", "s", "e", "m", "m2", "l"])
    const sp = " ".repeat(lc)
    if (kind === "s") t += `${sp}- ${i}\n`
    else if (kind === "e") t += `${sp}-\n`
    else if (kind === "m") t += `${sp}- k${i}: ${i}\n`
    else if (kind === "m2") t += `${sp}- k${i}: ${i}\n${sp}  j${i}: x\n`
    else t += `${sp}- - ${i}\n`
    if (rnd() < 0.5) {
      const m = pick([1, 2])
      for (let j = 0; j < m; j++)
        t += `${" ".repeat(pick([0, 1, 2, 3, 4, 5, 6].filter((c) => c <= lc + 4)))}# c${i}${j}\n`
    }
  }
  const end = pick(["z", "q", "eof"])
  if (end === "z") t += "z: 9\n"
  else if (end === "q" && nested) t += "  q: 8\n"
  if (seen.has(t)) continue
  seen.add(t)
  if (!t.includes("#")) continue
  const r = sealed(t)
  if (r !== null) out.push({ name: `list ${n}`, input: t, sealed: r })
}
cleanup()
writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`)
console.log(`${out.length} cases`)
