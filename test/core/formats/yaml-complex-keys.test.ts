import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { PieceSink } from "../../../src/formats/piece-sink.js"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { streamYaml } from "../../../src/formats/yaml-stream.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { checkOnly } from "../../../src/tree/stream-walk.js"

// go-yaml writes a key as `key: value` only when it is one line of at most 128 bytes; any other
// key in the complex form: `? key` (a literal block or single quotes for line breaks), then
// `: value`, a map or list value starting on the `:` line at its own column. `sealed` is the data
// part sops 3.13.2 wrote for each input (values in the clear).
interface Case {
  readonly name: string
  readonly input: string
  readonly sealed: string
}
const cases = JSON.parse(
  readFileSync("test/fixtures/yaml-write/complex-keys.sops-3.13.2.json", "utf8"),
) as Case[]

describe("YAML keys go-yaml writes in the complex form, as sops 3.13.2 writes them", () => {
  it("should hold the shapes", () => {
    expect(cases.length).toBe(13)
    const k129 = "k".repeat(129)
    expect(cases[2]).toEqual({
      name: "a key of 129 bytes, a map value",
      input: `${k129}:\n  b: 1\n  c: 2\n`,
      sealed: `? ${k129}\n:   b: 1\n    c: 2\n`,
    })
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(writeYaml(readYaml(c.input, "t.yaml"))).toBe(c.sealed)
    // As the yaml format reads it (the fast readers hand long keys over), and back.
    expect(writeYaml(yamlFormat.parse(Buffer.from(c.input), "t.yaml"))).toBe(c.sealed)
    expect(writeYaml(yamlFormat.parse(Buffer.from(c.sealed), "t.yaml"))).toBe(c.sealed)
  })

  it("should leave a key over 128 bytes to the tree path (the one-pass writer has no complex keys)", () => {
    const check = (doc: string): boolean =>
      streamYaml(Buffer.from(doc), 4, checkOnly, new PieceSink(null), true)
    expect(check(`${"k".repeat(128)}: 1\n`)).toBe(true)
    expect(check(`${"k".repeat(129)}: 1\n`)).toBe(false)
  })
})
