import { describe, expect, it } from "vitest"
import { extractNode, parseExtractPath } from "../../../src/ops/extract.js"
import { entry, int, list, map, str, comment } from "../../../src/tree/node.js"

describe("parseExtractPath", () => {
  it("should read quoted keys and integer indices", () => {
    expect(parseExtractPath(`["a"]['b'][0]`)).toEqual([
      { kind: "key", key: "a" },
      { kind: "key", key: "b" },
      { kind: "index", index: 0 },
    ])
  })

  it.each([["zz"], ['["a"'], ["[x]"], ['a["b"]']])("should refuse %s with the EXTRACT_SYNTAX code", (p) => {
    expect(() => parseExtractPath(p)).toThrow(expect.objectContaining({ code: "EXTRACT_SYNTAX" }))
  })
})

describe("extractNode", () => {
  const tree = map([entry("a", map([entry("b", list([comment(" c"), str("x"), int(2n)]))]))])

  it("should follow keys and count comments when indexing lists, as sops does", () => {
    expect(extractNode(tree, parseExtractPath(`["a"]["b"][2]`))).toEqual(int(2n))
  })

  it("should name the missing component", () => {
    expect(() => extractNode(tree, parseExtractPath(`["a"]["zz"]`))).toThrow("component ['zz'] not found")
    expect(() => extractNode(tree, parseExtractPath(`["a"]["b"][5]`))).toThrow(/out of bounds/)
  })
})
