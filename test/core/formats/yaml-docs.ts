import { fc } from "@fast-check/vitest"

// Random block-style YAML for the reader property tests and the one-pass seal test.

const words = [
  "a",
  "b_c",
  "key-1",
  "x y",
  "true",
  "null",
  "~",
  "1",
  "0x1F",
  "1e3",
  "-",
  "::",
  "a:b",
  "#no",
  "é€",
  "",
]
const scalarText = fc.oneof(
  fc.constantFrom(
    "v",
    "hello world",
    "42",
    "-7",
    "3.5",
    ".inf",
    "true",
    "False",
    "yes",
    "null",
    "~",
    "2024-01-02",
    "0o17",
    "9223372036854775808",
    "1_000",
    "a # not",
    "x:y",
    "'q'",
    "@at",
    "%p",
  ),
  fc.constantFrom(...words).map((w) => `"${w.replace(/"/g, '\\"')}\\t\\u00e9"`),
  fc.constantFrom(...words).map((w) => `'${w.replace(/'/g, "''")} it''s'`),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: fc.constantFrom("a", "b", " ", "-", ":", "#", "'", '"', "1", ".", "\\"), maxLength: 10 }),
)
const keyText = fc.oneof(
  fc.constantFrom("a", "b", "c", "key_1", "with space", "sops", "<<", "1", "true", "null", "k:v", "é"),
  fc.constantFrom("a", "b", "x y", "1", "").map((w) => `"${w}"`),
  fc.constantFrom("a", "z").map((w) => `'${w}'`),
)
// A lone `#` is the empty comment (go-yaml's); `# ` and `#   ` are comments of spaces.
const comment = fc.constantFrom("#", "#", "# ", "#   ", "# c", "#ENC[x]", "#  spaced", "# ü")
const noise = fc.constantFrom(
  "",
  "",
  "",
  "",
  "",
  " &anc",
  " !!str",
  " *anc",
  "\t",
  " [1, 2]",
  " {a: 1}",
  " |",
  " >-",
  " # tail",
  "\n---",
)

interface Gen {
  lines: string[]
}

/** Random block-style YAML: maps, lists, scalars, comments at random places and indents. */
export const yamlDoc = fc
  .record({
    seed: fc.array(fc.nat(1000), { minLength: 60, maxLength: 60 }),
    step: fc.constantFrom(2, 4),
    noiseAt: fc.nat(80),
    noise,
    scalars: fc.array(scalarText, { minLength: 20, maxLength: 20 }),
    keys: fc.array(keyText, { minLength: 20, maxLength: 20 }),
    comments: fc.array(comment, { minLength: 10, maxLength: 10 }),
    // The file's last line without its newline (a lone `#` at the end of the file, say).
    noFinalNewline: fc.boolean(),
  })
  .map(({ seed, step, noiseAt, noise, scalars, keys, comments, noFinalNewline }) => {
    let i = 0
    let unique = 0
    const r = (n: number): number => (seed[i++ % seed.length] ?? 0) % n
    const g: Gen = { lines: [] }
    const pad = (n: number): string => " ".repeat(n)
    const maybeComment = (indent: number): void => {
      if (r(4) === 0) g.lines.push(`${pad(r(3) === 0 ? r(indent + step + 1) : indent)}${comments[r(10)]}`)
      if (r(8) === 0) g.lines.push("")
    }
    const scalarLine = (head: string, indent: number): void => {
      const kind = r(10)
      if (kind === 0) {
        const body = pad(indent + step)
        g.lines.push(`${head} |${r(2) === 0 ? "-" : ""}`, `${body}line one`, `${body}  line two`)
        return
      }
      const tail = r(5) === 0 ? ` ${comments[r(10)]}` : ""
      g.lines.push(`${head} ${scalars[r(20)]}${tail}`)
    }
    const map = (indent: number, depth: number, first: string | null): void => {
      const n = 1 + r(3)
      for (let k = 0; k < n; k++) {
        if (first === null || k > 0) maybeComment(indent)
        const lead = k === 0 && first !== null ? first : pad(indent)
        // Mostly unique keys: duplicates and non-string keys only make both readers refuse.
        const key = `${lead}${r(5) === 0 ? keys[r(20)] : `k${unique++}`}:`
        const v = depth > 3 ? 0 : r(6)
        if (v <= 2) scalarLine(key, indent)
        else if (v === 3) {
          g.lines.push(r(4) === 0 ? `${key} ${comments[r(10)]}` : key)
          map(indent + step, depth + 1, null)
        } else if (v === 4) {
          g.lines.push(key)
          list(indent + (r(2) === 0 ? step : 0), depth + 1)
        } else g.lines.push(`${key} ${r(2) === 0 ? "[]" : "{}"}`)
      }
    }
    const list = (indent: number, depth: number): void => {
      const n = 1 + r(3)
      for (let k = 0; k < n; k++) {
        maybeComment(indent)
        if (r(3) === 0 && depth < 4) map(indent + 2, depth + 1, `${pad(indent)}- `)
        else scalarLine(`${pad(indent)}-`, indent)
      }
      if (r(4) === 0) g.lines.push(`${pad(r(indent + 3))}${comments[r(10)]}`)
    }
    maybeComment(0)
    map(0, 0, null)
    maybeComment(0)
    if (r(3) === 0) g.lines.push(`${pad(r(2) === 0 ? 0 : step)}#`)
    const text = g.lines.join("\n") + (noFinalNewline ? "" : "\n")
    // Sometimes break the subset (anchors, tags, flow, tabs, documents) at one place.
    const at = Math.min(noiseAt, text.length)
    return noise === "" ? text : text.slice(0, at) + noise + text.slice(at)
  })
