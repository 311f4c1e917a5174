import { describe, expect, it } from "vitest"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { bool, comment, entry, float, int, list, map, nul, str, time } from "../../../src/tree/node.js"
import { errorOf } from "../../helpers/error-of.js"

// The YAML format object's wiring (issue 8, mutation testing): name and flatness, the readers
// behind parse and parseSealed, indentation (sops' default 4 or the configured width) in every
// writer, a value printed on its own as `sops decrypt --extract` prints it, and the metadata test.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

const nested = map([
  entry("a", map([entry("b", list([str("x"), map([entry("c", int(1n)), entry("d", bool(true))])]))])),
  comment(" tail"),
  entry("e", float(0.5)),
])
const NESTED_4 = "a:\n    b:\n        - x\n        - c: 1\n          d: true\n# tail\ne: 0.5\n"
const NESTED_2 = "a:\n  b:\n    - x\n    - c: 1\n      d: true\n# tail\ne: 0.5\n"

describe("yamlFormat", () => {
  it("should be the non-flat format named yaml", () => {
    expect(yamlFormat.name).toBe("yaml")
    expect(yamlFormat.flat).toBe(false)
  })

  it("should read each document of a stream into a branch, by whichever reader takes it", () => {
    // Block subset (line reader), a flow value (document reader), and two documents.
    expect(yamlFormat.parse(enc(NESTED_4), "f.yaml")).toEqual([nested])
    expect(yamlFormat.parse(enc("a: {b: [x, {c: 1, d: true}]}\n# tail\ne: 0.5\n"), "f.yaml")).toEqual([
      map([
        entry("a", map([entry("b", list([str("x"), map([entry("c", int(1n)), entry("d", bool(true))])]))])),
        comment(" tail"),
        entry("e", float(0.5)),
      ]),
    ])
    expect(yamlFormat.parse(enc("a: 1\n---\nb: ~\n"), "f.yaml")).toEqual([
      map([entry("a", int(1n))]),
      map([entry("b", nul())]),
    ])
  })

  it("should refuse a byte-order mark with nothing after it, and read one before a document", () => {
    expect(errorOf(() => yamlFormat.parse(new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, 0x20]), "f.yaml"))).toBe(
      "FORMAT f.yaml:1:1: no yaml document after the UTF-8 byte-order mark",
    )
    expect(yamlFormat.parse(new Uint8Array([0xef, 0xbb, 0xbf, ...enc("a: 1\n")]), "f.yaml")).toEqual([
      map([entry("a", int(1n))]),
    ])
  })

  it("should write with sops' default indent of 4, or the width asked for", () => {
    expect(dec(yamlFormat.emit([nested]))).toBe(NESTED_4)
    expect(dec(yamlFormat.emit([nested], {}))).toBe(NESTED_4)
    expect(dec(yamlFormat.emit([nested], { indent: 2 }))).toBe(NESTED_2)
    expect(dec(yamlFormat.emit([map([entry("a", int(1n))]), map([entry("b", int(2n))])]))).toBe(
      "a: 1\n---\nb: 2\n",
    )
  })

  const metadata = map([entry("mac", str("m")), entry("version", str("3.13.2"))])

  it("should write the sops block at the end of every document, indented like the rest", () => {
    expect(dec(yamlFormat.emitSealed([nested], metadata))).toBe(
      `${NESTED_4}sops:\n    mac: m\n    version: 3.13.2\n`,
    )
    expect(dec(yamlFormat.emitSealed([nested], metadata, { indent: 2 }))).toBe(
      `${NESTED_2}sops:\n  mac: m\n  version: 3.13.2\n`,
    )
    expect(dec(yamlFormat.emitSealed([map([entry("a", int(1n))]), map([])], metadata))).toBe(
      "a: 1\nsops:\n    mac: m\n    version: 3.13.2\n---\nsops:\n    mac: m\n    version: 3.13.2\n",
    )
  })

  it("should split a sealed file into its branches and its metadata", () => {
    const sealed = yamlFormat.emitSealed([nested], metadata)
    expect(yamlFormat.parseSealed(sealed, "f.yaml")).toEqual({ branches: [nested], metadata })
    expect(yamlFormat.parseSealed(enc("a: 1\n"), "f.yaml")).toEqual({
      branches: [map([entry("a", int(1n))])],
      metadata: null,
    })
    expect(errorOf(() => yamlFormat.parseSealed(enc("a: [\n"), "f.yaml"))).toMatch(
      /^FORMAT f\.yaml:2:1: invalid yaml: /,
    )
  })

  // Bytes of `sops decrypt --extract` (sops 3.13.2) for these values of a file written at indent 4.
  it("should print a list at indent 0 as sops' --extract does, with or without an indent", () => {
    const l = list([map([entry("a", int(1n)), entry("b", list([str("x"), str("y")]))]), int(2n)])
    const sops = '- a: 1\n  b:\n    - x\n    - "y"\n- 2\n'
    expect(dec(yamlFormat.emitValue(l))).toBe(sops)
    expect(dec(yamlFormat.emitValue(l, { indent: 2 }))).toBe(sops)
    expect(dec(yamlFormat.emitValue(l, { indent: 4 }))).toBe(sops)
    expect(dec(yamlFormat.emitValue(list([int(1n)])))).toBe("- 1\n")
    expect(dec(yamlFormat.emitValue(list([])))).toBe("[]\n")
  })

  it("should print a list's deeper lines no further left than the list", () => {
    // A literal block keeps its own indentation relative to the list.
    const l = list([map([entry("k", str("line one\n  indented\n"))])])
    expect(dec(yamlFormat.emitValue(l))).toBe("- k: |\n    line one\n      indented\n")
  })

  it.each([
    ["int", int(5n), "5\n"],
    ["float", float(0.0001), "0.0001\n"],
    ["bool", bool(false), "false\n"],
    ["null", nul(), "null\n"],
    ["time", time("2001-12-14T21:59:43.05Z"), "2001-12-14T21:59:43.05Z\n"],
    // Strings are printed raw by --extract (src/ops/emit-extracted.ts); the writer quotes them.
    ["string with a colon", str("v: x"), "'v: x'\n"],
  ])("should print a %s scalar as its YAML text", (_, node, text) => {
    expect(dec(yamlFormat.emitValue(node))).toBe(text)
  })

  it("should print a map value below the key it had, as the block writer places it", () => {
    // --extract prints maps through emit (src/ops/emit-extracted.ts); this is the writer's view.
    expect(dec(yamlFormat.emitValue(map([entry("k", str("v"))])))).toBe("    k: v\n")
    expect(dec(yamlFormat.emitValue(map([entry("k", str("v"))]), { indent: 2 }))).toBe("  k: v\n")
  })

  it("should find sops metadata in any document, among other keys", () => {
    const sops = entry("sops", map([]))
    expect(yamlFormat.hasMetadata([])).toBe(false)
    expect(yamlFormat.hasMetadata([map([])])).toBe(false)
    expect(yamlFormat.hasMetadata([map([entry("a", int(1n)), comment("sops")])])).toBe(false)
    expect(yamlFormat.hasMetadata([map([entry("a", map([sops]))])])).toBe(false)
    expect(yamlFormat.hasMetadata([map([sops])])).toBe(true)
    expect(yamlFormat.hasMetadata([map([entry("a", int(1n)), sops])])).toBe(true)
    expect(yamlFormat.hasMetadata([map([entry("a", int(1n))]), map([entry("b", int(1n)), sops])])).toBe(true)
  })
})
