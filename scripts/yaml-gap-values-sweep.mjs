// Writes test/fixtures/yaml-gap/values-sweep.sops-3.13.2.json: what sops 3.13.2 (go-yaml v3) makes
// of runs of full-line comments after values other than those of scripts/yaml-gap-sweep.mjs: an
// empty value, literal and folded blocks, an alias, multi-line plain and quoted scalars, tagged
// values, nested, paired, anchored and multi-line flow values, a block sequence's last item, and
// values in a sequence item's map; then one to four comments at assorted columns with blank lines
// here and there, and a less indented key, a key of the value's map or the end of the text.
// `sealed` is made as in that script (values in the clear, the top-level map's comments put back).
// Usage: SOPS=<sops 3.13.2> node scripts/yaml-gap-values-sweep.mjs [out.json]
import { writeFileSync } from "node:fs"
import { sopsCommentPlacement } from "./sops-comment-placement.mjs"

const out = process.argv[2] ?? "test/fixtures/yaml-gap/values-sweep.sops-3.13.2.json"
const { sealed, cleanup } = sopsCommentPlacement("yaml-gap-values-")

const sp = (n) => " ".repeat(n)
// Each value as written after `k:` at column vc (continuation lines more indented).
const VALUES = {
  empty: () => "",
  literal: (vc) => ` |\n${sp(vc + 2)}x\n${sp(vc + 2)}y`,
  strip: (vc) => ` |-\n${sp(vc + 2)}x`,
  folded: (vc) => ` >\n${sp(vc + 2)}x`,
  alias: () => " *an",
  plain2: (vc) => ` x\n${sp(vc + 2)}y`,
  double2: (vc) => ` "x\n${sp(vc + 2)}y"`,
  single2: (vc) => ` 'x\n${sp(vc + 2)}y'`,
  tagged: () => " !!int 1",
  tagstr: () => " !!str x",
  anchored: () => " &m {x: 1}",
  pair: () => " [x: 1]",
  flow2: (vc) => ` [1,\n${sp(vc + 2)}2]`,
  nested: () => " [[1]]",
  mapnest: () => " {x: [1]}",
  lastmap: () => " [1, {x: 2}]",
  lastempty: () => " [1, []]",
  seq: (vc) => `\n${sp(vc + 2)}- 1\n${sp(vc + 2)}- 2`,
  seqmap: (vc) => `\n${sp(vc + 2)}- x: 1`,
}
// The maps around `k`: [text before k's line, the columns of the open blocks (outermost first,
// "s" for a sequence), k's column].
const STRUCTURES = {
  two: (c1) => [`a:\n`, [0], c1],
  three: (c1, c2) => [`a:\n${sp(c1)}b:\n`, [0, c1], c2],
  item: (c1) => [`a:\n${sp(c1)}- `, [0, `s${c1}`], c1 + 2],
  itemsecond: (c1) => [`a:\n${sp(c1)}- s: 0\n${sp(c1 + 2)}`, [0, `s${c1}`], c1 + 2],
  itemdeep: (c1) => [`a:\n${sp(c1)}- b:\n${sp(c1 + 4)}`, [0, `s${c1}`, c1 + 2], c1 + 4],
}

function* inputs(seed, count) {
  let s = seed
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
  const pick = (a) => a[Math.floor(rnd() * a.length)]
  for (let n = 0; n < count; n++) {
    const c1 = pick([1, 2, 2, 4])
    const c2 = c1 + pick([1, 2, 3])
    const structure = pick(Object.keys(STRUCTURES))
    const [before, blocks, vc] = STRUCTURES[structure](c1, c2)
    const value = pick(Object.keys(VALUES))
    let text = value === "alias" ? "p: &an 1\n" : ""
    text += before
    // The `- ` item's first key continues the dash's line.
    if (!before.endsWith("- ") && rnd() < 0.3) text += `s: 0\n${sp(vc)}`
    text += `k:${VALUES[value](vc)}\n`
    const cols = blocks.map((b) => (typeof b === "number" ? b : Number(b.slice(1))))
    const columns = [
      ...new Set([0, ...cols, vc, c1 - 1, c1 + 1, vc + 1, vc + 2, vc - 1].filter((c) => c >= 0)),
    ]
    const lines = []
    const m = pick([1, 2, 2, 3, 3, 4])
    for (let i = 0; i < m; i++) {
      if (rnd() < 0.3) lines.push("")
      lines.push(`${sp(pick(columns))}# c${i}`)
    }
    if (rnd() < 0.3) lines.push("")
    const end = pick(["k0", "k0", "k1", "kv", "eofnl", "eofnl", "eof"])
    text += lines.join("\n")
    if (end === "k0") text += "\nz: 9\n"
    else if (end === "k1")
      text += structure === "two" ? "\nz: 9\n" : `\n${sp(c1)}${structure === "three" ? "q: 8" : "- 8"}\n`
    else if (end === "kv") text += `\n${sp(vc)}q: 8\n`
    else if (end === "eofnl") text += "\n"
    yield { name: `seed ${seed} #${n}`, input: text, value, structure, end }
  }
}

const cases = []
const shapes = new Set()
for (const seed of [5, 17, 29]) {
  for (const { name, input, value, structure, end } of inputs(seed, 300)) {
    if (cases.some((c) => c.input === input)) continue
    const got = sealed(input)
    if (got === null) continue
    const placed = [0, 1, 2, 3].map((i) => new RegExp(`^( *)# c${i}$`, "m").exec(got)?.[1]?.length ?? "-")
    const shape = `${value}|${structure}|${end}|${placed.join(",")}|${input.includes("\n\n")}`
    if (shapes.has(shape)) continue
    shapes.add(shape)
    cases.push({ name, input, sealed: got })
  }
}
cleanup()
writeFileSync(out, `${JSON.stringify(cases, null, 1)}\n`)
console.log(`${cases.length} cases`)
