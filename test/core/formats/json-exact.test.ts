import { describe, expect, it } from "vitest"
import { errorOf } from "../../helpers/error-of.js"
import { parseJson } from "../../../src/formats/json-parse.js"
import { bool, entry, float, int, list, map, nul, str, type TreeNode } from "../../../src/tree/node.js"

// The JSON reader's corners (issue 8, mutation testing): every number form, literals at the end
// of input, escapes in either hex case, and the nesting count across siblings, each with the
// exact tree or the exact message and position.

describe("JSON reader corners", () => {
  it.each<[string, TreeNode]>([
    ["0", int(0n)],
    ["9", int(9n)],
    ["-1", int(-1n)],
    [" 1 ", int(1n)],
    ["12.25", float(12.25)],
    ["1E5", float(100000)],
    ["1.5e3", float(1500)],
    ["1e+21", float(1e21)],
    ["12E-2", float(0.12)],
    ["2.5E+2", float(250)],
    ["-9223372036854775809", float(Number(-9223372036854775809n))],
    ["true", bool(true)],
    ["false", bool(false)],
    ["null", nul()],
    ["\t[1]\r\n", list([int(1n)])],
    ["[1, 2 ,3]", list([int(1n), int(2n), int(3n)])],
  ])("should read %j", (text, tree) => {
    expect(parseJson(text, "f")).toEqual(tree)
  })

  it("should read \\u escapes in either case, after plain text and before more", () => {
    expect(parseJson('"\\u00C9\\uABcd"', "f")).toEqual(str("\u00c9\uabcd"))
    expect(parseJson('"é\\u00e9x"', "f")).toEqual(str("ééx"))
    expect(parseJson('"a\\nb\\"c d"', "f")).toEqual(str('a\nb"c d'))
  })

  it.each([
    ["-", "1:2", "bad number"],
    ["1e", "1:3", "bad number"],
    ["1.", "1:3", "bad number"],
    ["-.5", "1:2", "bad number"],
    ["1.e5", "1:3", "bad number"],
    ["1e+", "1:4", "bad number"],
    ["1e-x", "1:4", "bad number"],
    ["01", "1:2", "unexpected text after the top-level value"],
    ["-01", "1:3", "unexpected text after the top-level value"],
    ["1 x", "1:3", "unexpected text after the top-level value"],
    ["t", "1:2", "unexpected end of input"],
    ["n", "1:2", "unexpected end of input"],
    ["tx", "1:2", "unexpected character in literal true"],
    ['"\\', "1:3", "bad escape in a string"],
    ['"a\\n', "1:5", "unterminated string"],
    ['"x', "1:3", "unterminated string"],
    ['"a\\"b\u0001"', "1:6", "control character in a string"],
    ['"ab\\u"', "1:6", "bad \\u escape"],
    ['"ab\\u1"', "1:7", "bad \\u escape"],
    ['"\\uG"', "1:4", "bad \\u escape"],
    ['{"a":1,}', "1:8", "expected a string key"],
    ["{,}", "1:2", "expected a string key"],
    ["[1,]", "1:4", "unexpected character"],
    ['{"a"', "1:5", 'expected ":" after a key'],
    ['{"a":', "1:6", "unexpected end of input"],
    ["[", "1:2", "unexpected end of input"],
    ["[1", "1:3", 'expected "," or "]" in an array'],
    ['{"a":1', "1:7", 'expected "," or "}" in an object'],
    // A character below "0" where a value is due is no number's start (issue 8 survivors).
    ["+1", "1:1", "unexpected character"],
    ["[!]", "1:2", "unexpected character"],
    ['{"a": /}', "1:7", "unexpected character"],
    // Where the digit was due after several digits: after the ".", after "e".
    ["12.", "1:4", "bad number"],
    ["[120.]", "1:6", "bad number"],
    ["1.25e", "1:6", "bad number"],
    ["-10.75E+", "1:9", "bad number"],
  ])("should refuse %j at %s: %s", (text, at, message) => {
    expect(errorOf(() => parseJson(text, "f"))).toBe(`FORMAT f:${at}: invalid json: ${message}`)
  })

  // Each closed container gives its level back: 1,001 siblings are no deeper than one.
  it.each([
    ["empty objects", "{}", map([])],
    ["empty arrays", "[]", list([])],
    ["objects", '{"a":1}', map([entry("a", int(1n))])],
    ["arrays", "[1]", list([int(1n)])],
  ])("should read 1,001 sibling %s at one level", (_name, one, tree) => {
    const parsed = parseJson(`[${Array.from({ length: 1001 }, () => one).join(",")}]`, "f")
    expect(parsed).toEqual(list(Array.from({ length: 1001 }, () => tree)))
  })
})
