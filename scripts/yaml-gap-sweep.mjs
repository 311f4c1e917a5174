// Writes test/fixtures/yaml-gap/sweep.sops-3.13.2.json: what sops 3.13.2 (go-yaml v3) makes of
// generated runs of full-line comments below the last value of nested block maps (issue 8,
// src/formats/yaml-gap.ts). Each input is some other content at times (PREFIXES), two or three
// nested maps, a one-line value (VALUES), one to four comments at assorted columns with blank lines
// here and there, then a key at column 0, at an enclosing map's column, at the value's column, or
// the end of the text (with or without a final line break). `sealed` is sops' `encrypt` output
// (unencrypted_regex ".*": values in the clear) without its `sops:` block, with the comments it
// encrypts (those of the top-level map) put back in the clear from its `decrypt`: only where each
// line stands matters. Inputs sops refuses are skipped; one case is kept per (value, end,
// placement, blank lines) shape.
// Usage: SOPS=<sops 3.13.2> node scripts/yaml-gap-sweep.mjs [out.json]
import { writeFileSync } from "node:fs"
import { sopsCommentPlacement } from "./sops-comment-placement.mjs"

const out = process.argv[2] ?? "test/fixtures/yaml-gap/sweep.sops-3.13.2.json"
const { sealed, cleanup } = sopsCommentPlacement("yaml-gap-sweep-")

const PREFIXES = [
  ...Array(8).fill(""),
  "p:\n  - 1\n  - x: 2\n",
  "p: |\n  lit\n",
  "p: &an 1\nr: *an\n",
  "p: 'q'\n",
  'p: "d"\n',
  "p: [1, [2]]\n",
  "p: {x: [1]}\n",
  "p:\n  - [1, 2]\n",
  "p: !!str 5\n",
  'p: "a\n  b"\n',
  "p: x\n  y\n",
  "p: [a,\n  b]\n",
  "p: {x: 1, y: [2, 3]}\n",
  "p: >\n  fold\n",
]
const VALUES = [
  ...["1", "1", "1", "[]", "{}", "[1, 2]", "{x: 1}", "1 # eol"],
  ...["'s'", '"d"', "&v 1", "!!str 1", "[a, 'b']", "{x: 1, y: 2}"],
  // Not here: nested flow values (`[[1]]`, `{x: [1]}`, `[1, {x: 2}]`) and an end-of-line comment
  // after a flow map (`{x: 1} # e`), where sealbridge still places comments unlike sops 3.13.2.
]

function* inputs(seed, count) {
  let s = seed
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
  const pick = (a) => a[Math.floor(rnd() * a.length)]
  for (let n = 0; n < count; n++) {
    const depth = pick([2, 2, 3])
    const c1 = pick([1, 2, 2, 4])
    const c2 = c1 + pick([1, 2, 3])
    const cols = depth === 2 ? [0, c1] : [0, c1, c2]
    const vc = cols[cols.length - 1]
    // Other content first: what the tree readers walk past on their way to the run.
    let text = pick(PREFIXES)
    text += "a:\n"
    if (depth === 3) text += `${" ".repeat(c1)}b:\n`
    if (rnd() < 0.3) text += `${" ".repeat(vc)}s: 0\n`
    if (rnd() < 0.15) text += `${" ".repeat(vc)}l:\n${" ".repeat(vc + 2)}- 1\n`
    const value = pick(VALUES)
    text += `${" ".repeat(vc)}k: ${value}\n`
    const columns = [...new Set([0, ...cols, c1 - 1, c1 + 1, vc + 1, vc + 2, vc - 1].filter((c) => c >= 0))]
    const lines = []
    const m = pick([1, 2, 2, 3, 3, 4])
    for (let i = 0; i < m; i++) {
      if (rnd() < 0.3) lines.push("")
      lines.push(`${" ".repeat(pick(columns))}# c${i}`)
    }
    if (rnd() < 0.3) lines.push("")
    const end = pick(["k0", "k0", "k1", "kv", "eofnl", "eofnl", "eof"])
    text += lines.join("\n")
    if (end === "k0") text += "\nz: 9\n"
    else if (end === "k1") text += `\n${" ".repeat(depth === 3 ? c1 : vc)}q: 8\n`
    else if (end === "kv") text += `\n${" ".repeat(vc)}q: 8\n`
    else if (end === "eofnl") text += "\n"
    yield { name: `seed ${seed} #${n}`, input: text, value, end }
  }
}

const cases = []
const shapes = new Set()
for (const seed of [11, 23]) {
  for (const { name, input, value, end } of inputs(seed, 250)) {
    if (cases.some((c) => c.input === input)) continue
    const out = sealed(input)
    if (out === null) continue
    // Where each comment landed (its indentation in sops' output, or gone).
    const placed = [0, 1, 2, 3].map((i) => new RegExp(`^( *)# c${i}$`, "m").exec(out)?.[1]?.length ?? "-")
    const shape = `${value}|${end}|${placed.join(",")}|${input.includes("\n\n")}`
    if (shapes.has(shape)) continue
    shapes.add(shape)
    cases.push({ name, input, sealed: out })
  }
}
cleanup()
writeFileSync(out, `${JSON.stringify(cases, null, 1)}\n`)
console.log(`${cases.length} cases`)
