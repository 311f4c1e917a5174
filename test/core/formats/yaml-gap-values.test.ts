import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"

// Runs of full-line comments that end blocks after values other than one-line ones in a map: an
// empty value, literal and folded blocks, an alias, multi-line plain and quoted scalars, tagged
// values, nested, paired, anchored and multi-line flow values, a block sequence's last item and
// values in a sequence item's map. `sealed` is what sops 3.13.2 made of each input (values in the
// clear, as in yaml-gap-sweep.test.ts). Every reader that takes the input must give those bytes.
interface Case {
  readonly name: string
  readonly input: string
  readonly sealed: string
}

const readers = [
  (t: string) => readYaml(t, "t.yaml"),
  (t: string) => readYamlCst(t),
  (t: string) => readYamlLines(t),
]

function expectAsSops(c: Case): void {
  for (const read of readers) {
    const branches = read(c.input)
    if (branches !== null) expect(writeYaml(branches), JSON.stringify(c.input)).toBe(c.sealed)
  }
}

const shapes = JSON.parse(readFileSync("test/fixtures/yaml-gap/values.sops-3.13.2.json", "utf8")) as Case[]

describe("YAML comment runs after values that are not one-line scalars, as sops 3.13.2 places them", () => {
  it("should hold the named shapes", () => {
    expect(shapes.map((c) => c.name)).toEqual([
      "empty value, run dedents to the top",
      "empty value, run in two maps",
      "empty value at the end",
      "literal value, run dedents",
      "alias value, run dedents",
      "multi-line double-quoted value",
      "multi-line plain value",
      "tagged value",
      "flow seq with a pair",
      "multi-line flow",
      "value in a sequence's map",
      "value in a sequence's map at the end",
      "a block sequence's last item",
      "a block sequence's last item, a run in two blocks",
      "a map in a block sequence's last item",
      "a run in a sequence item's map before the next item",
      "a folded value, run dedents",
      "an empty value, runs without a final line break",
      "a nested flow value",
      "a flow map ending in a flow list",
      "a flow list ending in an empty list",
      "a list's last map at the end",
    ])
  })

  it.each(shapes.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expectAsSops(c)
  })

  // A few stated here as well, so that the bytes can be read next to the rule.
  it.each([
    // After `a:` the run dedents: `# c` goes to the top-level map, not under `x`.
    ["x:\n  a:\n# c\nb: 1\n", "x:\n    a: null\n# c\nb: 1\n"],
    // After a literal block the comment at `b`'s column is the block's foot to go-yaml: it stays
    // in `k`'s map.
    [
      "a:\n  b:\n    k: |\n      x\n  # c1\n# c0\nz: 9\n",
      "a:\n    b:\n        k: |\n            x\n        # c1\n# c0\nz: 9\n",
    ],
    // After a block sequence the comment at the enclosing map's column stays in the sequence.
    [
      "a:\n  k:\n    - 1\n    - 2\n  # c0\nz: 9\n",
      "a:\n    k:\n        - 1\n        - 2\n        # c0\nz: 9\n",
    ],
    // In a sequence item's map: the first comment stays in it, the second goes to the top.
    ["a:\n  - b: 1\n  # c1\n# c0\nz: 9\n", "a:\n    - b: 1\n      # c1\n# c0\nz: 9\n"],
    // Before the sequence's next item: a head goes before it, a foot after it.
    [
      "a:\n  - b:\n      k:\n        - x: 1\n  # c0\n\n  # c1\n  - 8\n",
      "a:\n    - b:\n        k:\n            - x: 1\n    # c1\n    - 8\n    # c0\n",
    ],
  ])("%j", (input, sealed) => {
    expectAsSops({ name: "", input, sealed })
    // The document reader is the one every input reaches.
    expect(writeYaml(readYaml(input, "t.yaml"))).toBe(sealed)
  })
})

// Generated runs (scripts/yaml-gap-values-sweep.mjs): the values above in two or three nested maps
// or a sequence item's map, one to four comments at assorted columns with blank lines here and
// there, then a less indented key, a key of the value's map, the sequence's next item or the end.
const sweep = JSON.parse(
  readFileSync("test/fixtures/yaml-gap/values-sweep.sops-3.13.2.json", "utf8"),
) as Case[]

describe("YAML comment runs after other values, generated, placed as sops 3.13.2 places them", () => {
  it("should hold the generated shapes", () => {
    expect(sweep.length).toBe(658)
  })

  it.each(sweep.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    // As the yaml format reads: the CST reader, else the document model; the document model too.
    expect(writeYaml(readYamlCst(c.input) ?? readYaml(c.input, "t.yaml")), JSON.stringify(c.input)).toBe(
      c.sealed,
    )
    expect(writeYaml(readYaml(c.input, "t.yaml")), JSON.stringify(c.input)).toBe(c.sealed)
  })
})
