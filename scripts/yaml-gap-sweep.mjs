// Writes test/fixtures/yaml-gap/sweep.sops-3.13.2.json: what sops 3.13.2 (go-yaml v3) makes of
// generated runs of full-line comments below the last value of nested block maps (issue 8,
// src/formats/yaml-gap.ts). Each input is two or three nested maps, a one-line value (scalar,
// flow collection, end-of-line comment), one to four comments at assorted columns with blank lines
// here and there, then a key at column 0, at an enclosing map's column, at the value's column, or
// the end of the text (with or without a final line break). `sealed` is sops' `encrypt` output
// (unencrypted_comment_regex ".*", so that comments stay in the clear) without its `sops:` block
// and with the encrypted values put back in the clear: only where each line stands matters.
// Inputs sops refuses are skipped; one case is kept per (value kind, end, placement) shape.
// Usage: SOPS=<sops 3.13.2> node scripts/yaml-gap-sweep.mjs [out.json]
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const sops =
  process.env["SOPS"] ?? join(process.env["HOME"] ?? "", ".cache/sealbridge-peers/bin/sops-v3.13.2/sops")
const out = process.argv[2] ?? "test/fixtures/yaml-gap/sweep.sops-3.13.2.json"
const identity = "test/fixtures/age/identity.txt"
const recipient = "age1jhrtlvfa2hk9ny5xy7msxjga9gshctfgergzrvrsecr6h9put5fstyweju"

const dir = mkdtempSync(join(tmpdir(), "yaml-gap-sweep-"))
const config = join(dir, ".sops.yaml")
writeFileSync(config, `creation_rules:\n  - age: ${recipient}\n    unencrypted_comment_regex: ".*"\n`)
const env = { ...process.env, SOPS_AGE_KEY_FILE: identity }
const withoutMetadata = (t) => t.slice(0, t.search(/^sops:$/m))
// The values of the inputs, by key; list items are 1, 2 in order.
const byKey = { s: "0", k: "1", z: "9", q: "8", x: "1" }
const ENC = /^(\s*)(- |(\w+): )ENC\[AES256_GCM,data:[^,]*,iv:[^,]*,tag:[^,]*,type:int\]/

function sealed(text) {
  const file = join(dir, "t.yaml")
  writeFileSync(file, text)
  let enc
  try {
    enc = execFileSync(sops, ["--config", config, "encrypt", file], {
      env,
      stdio: ["ignore", "pipe", "ignore"],
    })
  } catch {
    return null // sops refuses the input
  }
  let item = 0
  return withoutMetadata(enc.toString())
    .split("\n")
    .map((l) =>
      l.replace(ENC, (_m, sp, lead, key) => sp + lead + (key === undefined ? String(++item) : byKey[key])),
    )
    .join("\n")
}

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
    let text = "a:\n"
    if (depth === 3) text += `${" ".repeat(c1)}b:\n`
    if (rnd() < 0.3) text += `${" ".repeat(vc)}s: 0\n`
    const value = pick(["1", "1", "1", "[]", "{}", "[1, 2]", "{x: 1}", "1 # eol"])
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
  for (const { name, input, value, end } of inputs(seed, 290)) {
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
rmSync(dir, { recursive: true })
writeFileSync(out, `${JSON.stringify(cases, null, 1)}\n`)
console.log(`${cases.length} cases`)
