import { describe, expect, it } from "vitest"
import { formats } from "../../../src/formats/registry.js"
import { entry, map, str } from "../../../src/tree/node.js"
import { errorOf } from "../../helpers/error-of.js"

// A UTF-8 byte-order mark at the start of a file, read per format as sops 3.13.2's stores read
// it (observed with the sops binary; test/integration/bom-interop.test.ts holds both tools to it):
// go-yaml and go-ini skip it, encoding/json refuses it, the dotenv store keeps it in the first line.

const BOM = "\ufeff"
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (b: Uint8Array): string => new TextDecoder("utf-8", { ignoreBOM: true }).decode(b)

describe("a leading byte-order mark", () => {
  it("json: refused before the top-level object, plain and sealed, at 1:1 without echoing the input", () => {
    const input = bytes(`${BOM}{"pw": "s3cret-value"}`)
    const expected = "FORMAT f.json:1:1: invalid json: a UTF-8 byte-order mark before the top-level object"
    expect(errorOf(() => formats.json.parse(input, "f.json"))).toBe(expected)
    expect(errorOf(() => formats.json.parseSealed(input, "f.json"))).toBe(expected)
    expect(errorOf(() => formats.json.parse(bytes(BOM), "f.json"))).toBe(expected)
    // Without it the same text reads.
    expect(formats.json.parse(input.subarray(3), "f.json")).toEqual([map([entry("pw", str("s3cret-value"))])])
  })

  it("json: a mark later in the text is not this error", () => {
    expect(errorOf(() => formats.json.parse(bytes(` ${BOM}{}`), "f.json"))).not.toContain("byte-order")
  })

  it("yaml: skipped, plain and sealed, comments kept", () => {
    const plain = "# note\na: x\nb: 1\n"
    expect(formats.yaml.parse(bytes(BOM + plain), "f.yaml")).toEqual(
      formats.yaml.parse(bytes(plain), "f.yaml"),
    )
    expect(text(formats.yaml.emit(formats.yaml.parse(bytes(BOM + plain), "f.yaml")))).toBe(plain)
    const sealed = `a: x\nsops:\n    version: 3.13.2\n`
    expect(formats.yaml.parseSealed(bytes(BOM + sealed), "f.yaml")).toEqual(
      formats.yaml.parseSealed(bytes(sealed), "f.yaml"),
    )
  })

  it.each(["", "\n", " \r\n\t"])(
    "yaml: refused when only blank text follows it (%j), as sops' decoder ends first",
    (rest) => {
      expect(errorOf(() => formats.yaml.parse(bytes(BOM + rest), "f.yaml"))).toBe(
        "FORMAT f.yaml:1:1: no yaml document after the UTF-8 byte-order mark",
      )
      expect(errorOf(() => formats.yaml.parseSealed(bytes(BOM + rest), "f.yaml"))).toContain(
        "byte-order mark",
      )
    },
  )

  it("yaml: blank text without a mark is not this error", () => {
    expect(formats.yaml.parse(bytes("\n"), "f.yaml")).toEqual([])
  })

  it("dotenv: kept in the first key, and written back there", () => {
    const [doc] = formats.dotenv.parse(bytes(`${BOM}a=x\nb=1\n`), "f.env")
    expect(doc).toEqual(map([entry(`${BOM}a`, str("x")), entry("b", str("1"))]))
    expect(text(formats.dotenv.emit([doc ?? map([])]))).toBe(`${BOM}a=x\nb=1\n`)
    const sealed = formats.dotenv.parseSealed(bytes(`${BOM}a=x\nsops_version=3.13.2\n`), "f.env")
    expect(sealed.branches).toEqual([map([entry(`${BOM}a`, str("x"))])])
    // A comment line with `=` after it is a key to sops, so to sealbridge too.
    expect(formats.dotenv.parse(bytes(`${BOM}# k=v\n`), "f.env")).toEqual([
      map([entry(`${BOM}# k`, str("v"))]),
    ])
  })

  it.each([
    ["a comment", "# note\na=x\n"],
    ["a blank line", "\na=x\n"],
    ["nothing", ""],
    ["a line without =", "s3cret\n"],
  ])("dotenv: before %s, refused at 1:1 as a line without = (sops too), naming the mark", (_what, rest) => {
    const msg = errorOf(() => formats.dotenv.parse(bytes(BOM + rest), "f.env"))
    expect(msg).toBe(
      'FORMAT f.env:1:1: invalid dotenv line: missing "=" (it starts with a UTF-8 byte-order mark)',
    )
    expect(errorOf(() => formats.dotenv.parseSealed(bytes(BOM + rest), "f.env"))).toBe(msg)
  })

  it("dotenv: a line without = after the first names no mark", () => {
    expect(errorOf(() => formats.dotenv.parse(bytes(`${BOM}a=x\n${BOM}b\n`), "f.env"))).toBe(
      'FORMAT f.env:2: invalid dotenv line: missing "="',
    )
    expect(errorOf(() => formats.dotenv.parse(bytes("b\n"), "f.env"))).toBe(
      'FORMAT f.env:1: invalid dotenv line: missing "="',
    )
  })

  it("ini: skipped, plain and sealed, before a section, a comment or a key of no section", () => {
    for (const plain of ["[s]\na = x\n", "; c\n[s]\na = x\n", "a = x\n\n[s]\nb = 1\n"]) {
      expect(formats.ini.parse(bytes(BOM + plain), "f.ini")).toEqual(formats.ini.parse(bytes(plain), "f.ini"))
    }
    const sealed = "[s]\na = x\n\n[sops]\nversion = 3.13.2\n"
    expect(formats.ini.parseSealed(bytes(BOM + sealed), "f.ini")).toEqual(
      formats.ini.parseSealed(bytes(sealed), "f.ini"),
    )
  })
})
