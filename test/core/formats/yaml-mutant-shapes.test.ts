import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { AgeOpener } from "../../../src/keys/age.js"
import { decryptDocument } from "../../../src/ops/decrypt-document.js"
import { openRequest } from "../ops/stream-helpers.js"

// The smallest inputs that told the YAML readers' surviving mutants apart from the source (README,
// "formats changed"): comments in and after flow collections, ` #` inside quotes, an alias with its
// own comment, tagged empty keys, runs of comments in the places the tree readers decide, U+2028 in
// block scalars. `sealed` is the layout sops 3.13.2 wrote for each (values and comments in the
// clear), `encrypted` its whole sealed file and `opened` its decrypt of that file
// (scripts/yaml-mutant-shapes.mjs regenerates the fixture). Every reader that takes an input must
// give sops' layout, the format object (which picks the reader) too, and sealbridge must open
// sops' file as sops does.
interface Case {
  readonly name: string
  readonly input: string
  readonly sealed?: string
  readonly refused?: true
  readonly encrypted?: string
  readonly opened?: string
}
const cases = JSON.parse(
  readFileSync("test/fixtures/yaml-gap/mutant-shapes.sops-3.13.2.json", "utf8"),
) as Case[]

// Where sealbridge still reads a hand-written plaintext unlike sops 3.13.2 (README, "Formats"): the
// layout each reader that differs gives, pinned so that a change shows: comments inside or after
// flow collections, `[x:]`, U+2028 in a multi-line double-quoted scalar or alone in a literal
// block, a run at the end of an indented top-level map or after an explicit key with no value.
// Rows whose input sops refuses (`refused` in the fixture): a tab after the spaces that indent a
// comment (sealbridge refuses a tab only at the start of a line: yaml-tabs.test.ts), an alias or
// a quoted ` #` with a line comment, and `{ # c\n} # x`, whose sealed comments sops does not give
// back one for one. A row goes when its shape is fixed.
const KNOWN: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map<string, Record<string, string>>([
  [
    "an alias of a flow map with its own line comment",
    { document: "a:\n    x: 1\n# f\nb:\n    x: 1\n", format: "a:\n    x: 1\n# f\nb:\n    x: 1\n" },
  ],
  [
    "a quoted ' #' then a line comment",
    { document: "a: 'x #y' # c\n", cst: "a: 'x #y' # c\n", format: "a: 'x #y' # c\n" },
  ],
  ["an empty flow list with a comment inside", { document: "a: []\n# c\n", format: "a: []\n# c\n" }],
  ["an empty flow list with a comment line inside", { document: "a: []\n# c\n", format: "a: []\n# c\n" }],
  ["an empty flow map with comments inside and after", { document: "# x\na: {}\n", format: "# x\na: {}\n" }],
  [
    "an empty flow map with comments inside, after and below",
    { document: "# x\na: {}\n# d\nb: 1\n", format: "# x\na: {}\n# d\nb: 1\n" },
  ],
  [
    "U+2028 in a multi-line double-quoted scalar",
    { document: 'a: "x\\L  y z"\n', format: 'a: "x\\L  y z"\n' },
  ],
  ["U+2028 alone in a literal block", { document: "a: |\n     \n", format: "a: |\n     \n" }],
  [
    "a flow pair with only a colon before a run",
    {
      document: "a:\n    b:\n        k:\n            - x: null\n        # c1\n# c0\nz: 9\n",
      format: "a:\n    b:\n        k:\n            - x: null\n        # c1\n# c0\nz: 9\n",
    },
  ],
  [
    "a comment inside a multi-line flow before a run",
    {
      document: "k:\n    a:\n        # i\n        - 1\n        - 2\n# c0\n# c4\n",
      format: "k:\n    a:\n        # i\n        - 1\n        - 2\n# c0\n# c4\n",
    },
  ],
  [
    "a flow pair's value comment before a run",
    {
      document: "a:\n    b:\n        k:\n            - x: 1 # c\n            # c1\n    # c0\nz: 9\n",
      format: "a:\n    b:\n        k:\n            - x: 1 # c\n            # c1\n    # c0\nz: 9\n",
    },
  ],
  [
    "a run after an explicit key with no value",
    {
      document: "a:\n    b:\n        # c2\n        # c0\n        k: null\ne: 3\n",
      format: "a:\n    b:\n        # c2\n        # c0\n        k: null\ne: 3\n",
    },
  ],
  [
    "a tab-indented comment in a run",
    {
      document: "a:\n    b:\n        c: 1\n    # c2\n    # c0\ne: 3\n",
      format: "a:\n    b:\n        c: 1\n    # c2\n    # c0\ne: 3\n",
    },
  ],
  [
    "a tab-indented comment after a line comment",
    {
      document: "a:\n    b:\n        c: 1 # x\n    # c2\n    # c0\ne: 3\n",
      format: "a:\n    b:\n        c: 1 # x\n    # c2\n    # c0\ne: 3\n",
    },
  ],
  ["a run at the end of an indented top-level map", { document: "# x\na:\n    b: 1\n" }],
  [
    "a run after a blank line at the end of an indented map",
    {
      document: "a:\n    b: 1\n    # x\n",
      cst: "a:\n    b: 1\n    # x\n",
      format: "a:\n    b: 1\n    # x\n",
    },
  ],
])
// The one sealed file of sops that sealbridge opens differently: a line comment inside a multi-line
// flow list, which sealbridge keeps above the item.
const OPENED_KNOWN = new Map([
  [
    "a comment inside a multi-line flow before a run",
    "k:\n    a:\n        # i\n        - 1\n        - 2\n# c0\n# c4\n",
  ],
])
const identity = readFileSync("test/fixtures/age/identity.txt", "utf8")
  .split("\n")
  .find((l) => l.startsWith("AGE-SECRET-KEY-")) as string

const readers = {
  document: (text: string) => readYaml(text, "t.yaml"),
  cst: readYamlCst,
  line: readYamlLines,
  format: (text: string) => yamlFormat.parse(new TextEncoder().encode(text), "t.yaml"),
} as const

describe("YAML shapes that tell the readers' mutants apart, written as sops 3.13.2 writes them", () => {
  it("should hold the shapes", () => {
    expect(cases.length).toBe(59)
    expect(cases.filter((c) => c.refused === true).length).toBe(6)
    for (const name of [...KNOWN.keys(), ...OPENED_KNOWN.keys()])
      expect(cases.map((c) => c.name)).toContain(name)
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s: the layout", (_name, c) => {
    const known = KNOWN.get(c.name) ?? {}
    for (const [name, read] of Object.entries(readers)) {
      const branches = read(c.input)
      if (branches === null) continue
      const expected = known[name] ?? c.sealed
      if (expected === undefined) throw new Error(`${c.name}: sops refused it and no layout is pinned`)
      expect(writeYaml(branches), `${name}: ${JSON.stringify(c.input)}`).toBe(expected)
      if (known[name] !== undefined) expect(known[name]).not.toBe(c.sealed)
    }
    expect(readers.format(c.input).length).toBe(1)
  })

  it.each(cases.filter((c) => c.encrypted !== undefined).map((c) => [c.name, c] as const))(
    "%s: sops' sealed file opens as sops opens it",
    async (_name, c) => {
      const req = openRequest(Buffer.from(c.encrypted ?? ""), "yaml", [new AgeOpener([identity])])
      const opened = Buffer.from(await decryptDocument(req)).toString()
      expect(opened).toBe(OPENED_KNOWN.get(c.name) ?? c.opened)
      if (OPENED_KNOWN.has(c.name)) expect(opened).not.toBe(c.opened)
    },
  )
})
