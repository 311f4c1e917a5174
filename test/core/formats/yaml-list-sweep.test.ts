import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"

// Generated block lists with comments (scripts/yaml-list-sweep.mjs): indented or at their key's
// column, scalar, empty, map and list items, comments after items at assorted columns. `sealed` is
// sops 3.13.2's layout of each. Before the list fixes of 3 Dec 2026, 172 of these 300 came out
// unlike sops; now 33 do, every one a shape where go-yaml reorders or drops comments around empty
// items and dedented runs (README, "Formats"). Those are listed so that a change in either
// direction shows.
interface Case {
  readonly name: string
  readonly input: string
  readonly sealed: string
}
const cases = JSON.parse(readFileSync("test/fixtures/yaml-gap/list-sweep.sops-3.13.2.json", "utf8")) as Case[]
const UNLIKE_SOPS = new Set(
  [
    9, 22, 62, 63, 66, 69, 78, 87, 111, 126, 151, 155, 163, 166, 171, 223, 236, 240, 243, 244, 245, 253, 256,
    280, 308, 355, 364, 369, 377, 392, 401, 416, 418,
  ].map((n) => `list ${n}`),
)

const layout = (text: string): string => writeYaml(yamlFormat.parse(new TextEncoder().encode(text), "t.yaml"))

describe("YAML block lists with comments, generated, placed as sops 3.13.2 places them", () => {
  it("should hold the generated shapes", () => {
    expect(cases.length).toBe(300)
    for (const name of UNLIKE_SOPS) expect(cases.map((c) => c.name)).toContain(name)
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const out = layout(c.input)
    if (UNLIKE_SOPS.has(name)) expect(out, JSON.stringify(c.input)).not.toBe(c.sealed)
    else expect(out, JSON.stringify(c.input)).toBe(c.sealed)
    // The document reader alone gives the same layout (the format object may take a faster one).
    expect(writeYaml(readYaml(c.input, "t.yaml"))).toBe(out)
  })
})
