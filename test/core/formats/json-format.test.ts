import { describe, expect, it } from "vitest"
import { FormatError } from "../../../src/errors.js"
import { jsonFormat, parseJsonBranch } from "../../../src/formats/json.js"
import { bool, entry, float, int, list, map, nul, str } from "../../../src/tree/node.js"
import { errorOf } from "../../helpers/error-of.js"

// The JSON format object's wiring (issue 8, mutation testing): name and flatness, the one
// top-level object (a byte-order mark and other top levels refused, text after it not read),
// sops' tab indent or the configured width, a value printed on its own, the sops block.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const BOM = [0xef, 0xbb, 0xbf]

const doc = map([entry("a", list([int(1n), map([entry("b", nul())])])), entry("c", bool(true))])
const metadata = map([entry("mac", str("m")), entry("version", str("3.13.2"))])

describe("jsonFormat", () => {
  it("should be the non-flat format named json", () => {
    expect(jsonFormat.name).toBe("json")
    expect(jsonFormat.flat).toBe(false)
  })

  it("should read the top-level object as the one branch, and nothing after it", () => {
    const text = '{"a": [1, {"b": null}], "c": true}'
    expect(jsonFormat.parse(enc(text), "f.json")).toEqual([doc])
    expect(jsonFormat.parse(enc(`${text} trailing secret`), "f.json")).toEqual([doc])
    expect(jsonFormat.parseSealed(enc(`${text}}`), "f.json")).toEqual({ branches: [doc], metadata: null })
  })

  it("should refuse a byte-order mark before the object, with sops' remedy as the hint", () => {
    const input = new Uint8Array([...BOM, ...enc('{"a": 1}')])
    for (const read of [
      () => jsonFormat.parse(input, "f.json"),
      () => jsonFormat.parseSealed(input, "f.json"),
    ]) {
      let caught: unknown
      try {
        read()
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(FormatError)
      const err = caught as FormatError
      expect(`${err.code} ${err.message}`).toBe(
        "FORMAT f.json:1:1: invalid json: a UTF-8 byte-order mark before the top-level object",
      )
      expect([err.line, err.column]).toEqual([1, 1])
      expect(err.hint).toBe("save the file as UTF-8 without a byte-order mark (sops refuses it too)")
    }
    // A mark anywhere else is text of a string.
    expect(parseJsonBranch(enc('{"a": "\ufeff"}'), "f.json")).toEqual(map([entry("a", str("\ufeff"))]))
  })

  it.each(["[1]", '"s"', "1", "null"])("should refuse %s at the top level", (text) => {
    expect(errorOf(() => jsonFormat.parse(enc(text), "f.json"))).toBe(
      "FORMAT f.json:1: the top level of a json file must be an object",
    )
    expect(errorOf(() => jsonFormat.parseSealed(enc(text), "f.json"))).toBe(
      "FORMAT f.json:1: the top level of a json file must be an object",
    )
  })

  it("should write with a tab by default, or the width asked for, and a final line break", () => {
    expect(dec(jsonFormat.emit([doc]))).toBe(
      '{\n\t"a": [\n\t\t1,\n\t\t{\n\t\t\t"b": null\n\t\t}\n\t],\n\t"c": true\n}\n',
    )
    expect(dec(jsonFormat.emit([doc], {}))).toBe(dec(jsonFormat.emit([doc])))
    expect(dec(jsonFormat.emit([doc], { indent: 2 }))).toBe(
      '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": true\n}\n',
    )
    expect(dec(jsonFormat.emit([]))).toBe("{}\n")
    // One branch only: a second one (from no JSON file) is not written.
    expect(dec(jsonFormat.emit([map([entry("x", int(1n))]), doc], { indent: 1 }))).toBe('{\n "x": 1\n}\n')
  })

  it("should print a value on its own without a final line break", () => {
    expect(dec(jsonFormat.emitValue(list([int(1n), float(0.5)])))).toBe("[\n\t1,\n\t0.5\n]")
    expect(dec(jsonFormat.emitValue(list([int(1n)]), { indent: 3 }))).toBe("[\n   1\n]")
    expect(dec(jsonFormat.emitValue(int(7n)))).toBe("7")
  })

  it("should write the sops block as the object's last key", () => {
    expect(dec(jsonFormat.emitSealed([map([entry("a", int(1n))])], metadata))).toBe(
      '{\n\t"a": 1,\n\t"sops": {\n\t\t"mac": "m",\n\t\t"version": "3.13.2"\n\t}\n}\n',
    )
    expect(dec(jsonFormat.emitSealed([map([entry("a", int(1n))])], metadata, { indent: 2 }))).toBe(
      '{\n  "a": 1,\n  "sops": {\n    "mac": "m",\n    "version": "3.13.2"\n  }\n}\n',
    )
    expect(dec(jsonFormat.emitSealed([], metadata, { indent: 1 }))).toBe(
      '{\n "sops": {\n  "mac": "m",\n  "version": "3.13.2"\n }\n}\n',
    )
  })

  it("should split a sealed file into its branch and its metadata", () => {
    const sealed = jsonFormat.emitSealed([doc], metadata)
    expect(jsonFormat.parseSealed(sealed, "f.json")).toEqual({ branches: [doc], metadata })
  })

  it("should find sops metadata only at the top level of the object", () => {
    const sops = entry("sops", map([]))
    expect(jsonFormat.hasMetadata([])).toBe(false)
    expect(jsonFormat.hasMetadata([map([])])).toBe(false)
    expect(jsonFormat.hasMetadata([map([entry("a", map([sops]))])])).toBe(false)
    expect(jsonFormat.hasMetadata([map([entry("sopsx", int(1n))])])).toBe(false)
    expect(jsonFormat.hasMetadata([map([sops])])).toBe(true)
    expect(jsonFormat.hasMetadata([map([entry("a", int(1n)), sops])])).toBe(true)
    expect(jsonFormat.hasMetadata([map([entry("a", int(1n))]), map([sops])])).toBe(false)
  })
})
