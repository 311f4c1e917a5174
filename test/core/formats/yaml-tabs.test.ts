import { describe, expect, it } from "vitest"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { errorOf } from "../../helpers/error-of.js"

// A tab at the start of a line: what sops 3.13.2 (go-yaml v3) did with each text (`sops encrypt`:
// exit 2 "found a tab character that violates indentation" / "found character that cannot start
// any token", or a sealed file).
const parse = (text: string): unknown => yamlFormat.parse(new TextEncoder().encode(text), "t.yaml")

describe("tabs at the start of a line, as sops 3.13.2 reads them", () => {
  it.each([
    ["a blank line of a tab after a value", "a: 1\n\t\nb: 2\n", 2],
    ["a tab before a comment at the start", "\t# c\na: 1\n", 1],
    ["a blank line of a tab after a comment", "# c\n\t\na: 1\n", 2],
    ["a tab before a comment after a list", "a:\n  - 1\n\t# c\n", 3],
    ["a tab before a comment below nested maps", "a:\n  b:\n    c: 1\n\t# c2\n# c0\ne: 3\n", 4],
  ])("should refuse %s (exit 2), naming the line", (_name, text, line) => {
    expect(errorOf(() => parse(text))).toBe(
      `FORMAT t.yaml:${line}: invalid yaml: found a tab character that violates indentation`,
    )
  })

  it.each([
    ["a tab after the spaces of a comment", "a: 1\n  \t# c\nb: 2\n"],
    ["a tab before a line comment", "a: 1 \t# c\nb: 2\n"],
    ["a tab in a flow list's line", "a: [1,\n\t# c\n 2]\n"],
    ["a tab after a space on a blank line", "a: 1\n \t \nb: 2\n"],
  ])("should read %s, as sops does", (_name, text) => {
    expect(parse(text)).toHaveLength(1)
  })
})
