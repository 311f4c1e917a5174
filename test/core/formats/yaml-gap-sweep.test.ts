import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"

// Generated runs of comments below the last value of nested maps (scripts/yaml-gap-sweep.mjs):
// other content first at times (sequences, block scalars, anchors and aliases, tags, quoted and
// multi-line scalars, flow collections), two or three nested maps, a one-line value (plain, quoted,
// anchored, tagged, a flow collection of scalars, with an end-of-line comment), one to four
// comments at assorted columns with blank lines here and there, then a less indented key, a key of
// the value's map or the end of the text.
// `sealed` is what sops 3.13.2 made of each input (values put back in the clear). The tree readers
// (yaml-gap-tree.ts) and the line reader (yaml-gap.ts directly) must place every comment as sops
// did; the document reader's share is in yaml-gap.test.ts (it is the slow one).
interface Case {
  readonly name: string
  readonly input: string
  readonly sealed: string
}
const cases = JSON.parse(readFileSync("test/fixtures/yaml-gap/sweep.sops-3.13.2.json", "utf8")) as Case[]

describe("YAML comment runs below nested maps, generated, placed as sops 3.13.2 places them", () => {
  it("should hold the generated shapes", () => {
    expect(cases.length).toBe(399)
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    // As the yaml format reads: the line reader, else the CST reader, else the document model.
    const tree = readYamlCst(c.input) ?? readYaml(c.input, "t.yaml")
    expect(writeYaml(tree), JSON.stringify(c.input)).toBe(c.sealed)
    const lines = readYamlLines(c.input)
    if (lines !== null) expect(writeYaml(lines), JSON.stringify(c.input)).toBe(c.sealed)
  })
})

// Hand-picked shapes beside the sweep, also sops 3.13.2's (same layout): two runs in one document
// (one after a top-level value; a first run that drops a comment, so that the second one stands
// elsewhere in the events once the first is placed), a comment inside a sequence
// before the run, runs at the end after a literal or an alias, an anchored flow value, a key with a
// comment, a run after an empty value before a key of its own map, a run without a final line
// break whose last line ends past the value map's column, and a foot below the value at its map's
// column that go-yaml drops. Every reader, as in yaml-gap.test.ts.
const shapes = JSON.parse(readFileSync("test/fixtures/yaml-gap/shapes.sops-3.13.2.json", "utf8")) as Case[]

describe("YAML comment runs in hand-picked shapes, placed as sops 3.13.2 places them", () => {
  it.each(shapes.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(writeYaml(readYaml(c.input, "t.yaml")), JSON.stringify(c.input)).toBe(c.sealed)
    for (const read of [readYamlCst, readYamlLines]) {
      const branches = read(c.input)
      if (branches !== null) expect(writeYaml(branches), JSON.stringify(c.input)).toBe(c.sealed)
    }
  })
})
