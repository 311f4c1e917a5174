import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { formats } from "../../../src/formats/registry.js"
import { emitExtracted } from "../../../src/ops/emit-extracted.js"
import { extractNode, nodesUnder, parseExtractPath } from "../../../src/ops/extract.js"
import { bytes, comment, entry, int, list, map, str } from "../../../src/tree/node.js"

// `--extract` parsing, walking and printing with exact messages, codes and hints (issue 8:
// mutation testing of src/ops); sops' texts are those of its `parseKeyPath`/`Truncate`.
const failure = (f: () => unknown): { code: string; message: string; hint: string | undefined } => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(BridgeError)
    const b = e as BridgeError
    return { code: b.code, message: b.message, hint: b.hint }
  }
  throw new Error("no error")
}
const SYNTAX_HINT = `write the path as sops does, e.g. --extract '["db"]["password"]' or '["list"][0]'`
const syntax = (m: string) => ({
  code: "EXTRACT_SYNTAX",
  message: `error parsing --extract path: ${m}`,
  hint: SYNTAX_HINT,
})
const missing = (m: string) => ({
  code: "EXTRACT_MISSING",
  message: `error truncating tree: ${m}`,
  hint: "check the key names with a plain decrypt first",
})

describe("parseExtractPath, exactly", () => {
  it("should read empty and quoted keys, negative and multi-digit indices; an empty path is the root", () => {
    expect(parseExtractPath("")).toEqual([])
    expect(parseExtractPath(`[""]['x y'][-1][12]`)).toEqual([
      { kind: "key", key: "" },
      { kind: "key", key: "x y" },
      { kind: "index", index: -1 },
      { kind: "index", index: 12 },
    ])
  })

  // A part whose first and last characters agree is a key only when that character is a quote:
  // [11] is index 11 (not the key "") and [aba] is neither a key "b" nor an index.
  it("should read [11] as index 11 and [0] as index 0, never as a key between equal ends", () => {
    expect(parseExtractPath("[11]")).toEqual([{ kind: "index", index: 11 }])
    expect(parseExtractPath("[101][0]")).toEqual([
      { kind: "index", index: 101 },
      { kind: "index", index: 0 },
    ])
  })

  it.each([
    ["zz", "component zz doesn't start with ["],
    [`a["b"]`, "component a doesn't start with ["],
    [`["a"`, `component "a" doesn't end with ]`],
    [`["a"]x`, `component "a"]x doesn't end with ]`],
    ["[x]", "component x is neither a quoted key nor an integer index"],
    [`["]`, `component " is neither a quoted key nor an integer index`],
    [`["a']`, `component "a' is neither a quoted key nor an integer index`],
    [`['a"]`, `component 'a" is neither a quoted key nor an integer index`],
    ["[1a]", "component 1a is neither a quoted key nor an integer index"],
    ["[a1]", "component a1 is neither a quoted key nor an integer index"],
    ["[]", "component  is neither a quoted key nor an integer index"],
    ["[aba]", "component aba is neither a quoted key nor an integer index"],
    ["[-]", "component - is neither a quoted key nor an integer index"],
    ["[1-1]", "component 1-1 is neither a quoted key nor an integer index"],
  ])("should refuse %s: %s", (path, message) => {
    expect(failure(() => parseExtractPath(path))).toEqual(syntax(message))
  })
})

describe("extractNode, exactly", () => {
  const x = str("x")
  const tree = map([
    comment("k"),
    entry("a", map([entry("b", list([comment(" c"), x, int(2n)]))])),
    entry("s", str("leaf")),
  ])

  it("should return the root for no steps and count comments when indexing, as sops does", () => {
    expect(extractNode(tree, [])).toBe(tree)
    expect(extractNode(tree, parseExtractPath(`["a"]["b"][0]`))).toEqual(comment(" c"))
    expect(extractNode(tree, parseExtractPath(`["a"]["b"][1]`))).toBe(x)
    expect(extractNode(tree, parseExtractPath(`["a"]["b"][2]`))).toEqual(int(2n))
  })

  it.each([
    [`["k"]`, "component ['k'] not found"],
    [`["s"]["k"]`, "component ['k'] not found"],
    [`["a"]["b"]["k"]`, "component ['k'] not found"],
    [`[0]`, "component [0] not found"],
    [`["s"][0]`, "component [0] not found"],
    [`["a"]["b"][3]`, "component [3] accesses out of bounds"],
    // Nothing is inside a comment (sops panics there).
    [`["a"]["b"][0][0]`, "component [0] not found"],
    [`["a"]["b"][0]["k"]`, "component ['k'] not found"],
    [`["a"]["b"][-1]`, "component [-1] accesses out of bounds"],
  ])("should refuse %s: %s", (path, message) => {
    expect(failure(() => extractNode(tree, parseExtractPath(path)))).toEqual(missing(message))
  })
})

describe("nodesUnder", () => {
  it("should collect every leaf and comment, in document order, and nothing else", () => {
    const c1 = comment("one")
    const s1 = str("a")
    const c2 = comment("two")
    const s2 = int(1n)
    const s3 = str("b")
    const c3 = comment("three")
    const tree = map([c1, entry("a", s1), entry("l", list([c2, s2, map([entry("m", s3), c3])]))])
    const got = [...nodesUnder(tree)]
    expect(got).toHaveLength(6)
    for (const [i, want] of [c1, s1, c2, s2, s3, c3].entries()) expect(got[i]).toBe(want)
    expect([...nodesUnder(s1)]).toEqual([s1])
    expect([...nodesUnder(c2)]).toEqual([c2])
    expect(nodesUnder(map([])).size).toBe(0)
  })
})

describe("emitExtracted", () => {
  const text = (b: Uint8Array): string => new TextDecoder().decode(b)

  it("should print a comment as sops prints its Go struct, by format", () => {
    expect(text(emitExtracted(formats.yaml, comment(" c")))).toBe("value: ' c'\ninline: false\n")
    expect(text(emitExtracted(formats.yaml, comment(" c", true)))).toBe("value: ' c'\ninline: true\n")
    expect(text(emitExtracted(formats.json, comment(" c")))).toBe('{\n\t"Value": " c",\n\t"Inline": false\n}')
    expect(() => emitExtracted(formats.dotenv, comment(" c"))).toThrow()
  })

  it("should print strings and bytes raw without a newline, maps as a document, other values by the format", () => {
    const raw = Uint8Array.from([0xff, 0x00, 0x41])
    expect(text(emitExtracted(formats.yaml, str("a: b")))).toBe("a: b")
    expect(emitExtracted(formats.json, bytes(raw))).toBe(raw)
    expect(text(emitExtracted(formats.yaml, map([entry("k", str("v"))])))).toBe("k: v\n")
    expect(text(emitExtracted(formats.json, map([entry("k", str("v"))])))).toBe('{\n\t"k": "v"\n}\n')
    expect(text(emitExtracted(formats.yaml, int(5n)))).toBe("5\n")
    expect(text(emitExtracted(formats.json, list([str("a")])))).toBe('[\n\t"a"\n]')
  })
})
