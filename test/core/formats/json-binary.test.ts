import { describe, expect, it } from "vitest"
import { errorOf } from "../../helpers/error-of.js"
import { binaryFormat } from "../../../src/formats/binary.js"
import { jsonFormat } from "../../../src/formats/json.js"
import { jsonString } from "../../../src/formats/json-emit.js"
import { parseJson } from "../../../src/formats/json-parse.js"
import { bool, bytes, comment, entry, float, int, list, map, nul, str, time } from "../../../src/tree/node.js"

// Spec §6.3/§6.4: JSON and binary as sops' stores read and write them, with exact texts.
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

describe("JSON reader", () => {
  it("should keep key order, exact 64-bit ints, floats written as floats, and every scalar kind", () => {
    const t = parseJson(
      ' {"z": 9223372036854775807, "a": -9223372036854775808, "big": 9223372036854775808, "f": 1.0, "e": 1e2, "E": -2E-1, "t": true, "n": null, "no": false, "l": [], "m": {}} ',
      "f.json",
    )
    expect(t).toEqual(
      map([
        entry("z", int(9223372036854775807n)),
        entry("a", int(-9223372036854775808n)),
        entry("big", float(9223372036854775808)),
        entry("f", float(1)),
        entry("e", float(100)),
        entry("E", float(-0.2)),
        entry("t", bool(true)),
        entry("n", nul()),
        entry("no", bool(false)),
        entry("l", list([])),
        entry("m", map([])),
      ]),
    )
  })

  it("should read nested arrays and objects with whitespace of every kind", () => {
    expect(parseJson('[\r\n\t1 , [ 2 ] ,{ "k" :\n"v" } ]', "f")).toEqual(
      list([int(1n), list([int(2n)]), map([entry("k", str("v"))])]),
    )
  })

  it("should read every escape, including \\u and a slash", () => {
    expect(parseJson('"a\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\u0041"', "f")).toEqual(
      str('a"b\\c/d\be\ff\ng\rh\ti\u00e9A'),
    )
    expect(parseJson('"plain ü"', "f")).toEqual(str("plain ü"))
    expect(parseJson('"x\\n"', "f")).toEqual(str("x\n"))
  })

  // The column is the offending character's: the one Go's encoding/json names ("invalid
  // character '"' after object key:value pair", "'\t' in string literal", "'G' in \u
  // hexadecimal character escape", "'}' in literal true"); sops prints no position itself.
  it.each([
    ["", "1:1", "unexpected end of input"],
    ["{}x", "1:3", "unexpected text after the top-level value"],
    ["@", "1:1", "unexpected character"],
    ["{\n  1: 2}", "2:3", "expected a string key"],
    ['{"a" 1}', "1:6", 'expected ":" after a key'],
    ['{"a": 1 "b": 2}', "1:9", 'expected "," or "}" in an object'],
    ['{\n  "a": 1\n  "b": 2\n}', "3:3", 'expected "," or "}" in an object'],
    ['{"a": 01}', "1:8", 'expected "," or "}" in an object'],
    ["[1 2]", "1:4", 'expected "," or "]" in an array'],
    ['"\\x"', "1:3", "bad escape in a string"],
    ['"\\u12G4"', "1:6", "bad \\u escape"],
    ['"\\u12', "1:6", "bad \\u escape"],
    ['"a\tb"', "1:3", "control character in a string"],
    ['{\n  "a": "x\ty"\n}', "2:10", "control character in a string"],
    ['"abc', "1:5", "unterminated string"],
    ["-x", "1:2", "bad number"],
    ["[1.]", "1:4", "bad number"],
    ["[1.5e+]", "1:7", "bad number"],
    ["tru", "1:4", "unexpected end of input"],
    ['{"a": tru}', "1:10", "unexpected character in literal true"],
    ["nul", "1:4", "unexpected end of input"],
    ["fals3", "1:5", "unexpected character in literal false"],
  ])("should refuse %j at %s: %s", (text, at, message) => {
    expect(errorOf(() => parseJson(text, "f.json"))).toBe(`FORMAT f.json:${at}: invalid json: ${message}`)
  })

  it("should refuse nesting deeper than 1000 levels and accept 1000", () => {
    expect(() => parseJson("[".repeat(1000) + "]".repeat(1000), "f")).not.toThrow()
    expect(errorOf(() => parseJson("[".repeat(1001) + "]".repeat(1001), "f"))).toBe(
      "FORMAT f:1:1001: invalid json: nesting deeper than 1000 levels",
    )
    expect(() => parseJson('{"a":'.repeat(1000) + "1" + "}".repeat(1000), "f")).not.toThrow()
    expect(errorOf(() => parseJson('{"a":'.repeat(1001) + "1" + "}".repeat(1001), "f"))).toContain(
      "nesting deeper than 1000 levels",
    )
  })

  it("should need an object at the top level of a json file", () => {
    expect(errorOf(() => jsonFormat.parse(enc("[1]"), "f.json"))).toBe(
      "FORMAT f.json:1: the top level of a json file must be an object",
    )
    expect(errorOf(() => jsonFormat.parse(enc("[1] x"), "f.json"))).toBe(
      "FORMAT f.json:1: the top level of a json file must be an object",
    )
  })

  // sops 3.13.2 reads a JSON file token by token up to its top-level object's closing brace and
  // never looks further, plain or sealed: `sops encrypt` of these seals {"a": …} alone, and
  // `sops decrypt` writes the text below (issue 8).
  it.each([
    '{"a": {"b": [1, 2.5, "x"]}, "c": null}\n}junk',
    '{"a": {"b": [1, 2.5, "x"]}, "c": null}{"b": 2}',
    '{"a": {"b": [1, 2.5, "x"]}, "c": null} {',
    '{"a": {"b": [1, 2.5, "x"]}, "c": null} // note',
    '{"a": {"b": [1, 2.5, "x"]}, "c": null} {"sops": {"version": "3.13.2"}}',
    '{"a": {"b": [1, 2.5, "x"]}, "c": null}\n\n  \n',
  ])("should read %j as sops does: nothing after the top-level object", (text) => {
    const sopsOut = '{\n\t"a": {\n\t\t"b": [\n\t\t\t1,\n\t\t\t2.5,\n\t\t\t"x"\n\t\t]\n\t},\n\t"c": null\n}\n'
    const [b] = jsonFormat.parse(enc(text), "f.json")
    expect(jsonFormat.hasMetadata(b === undefined ? [] : [b])).toBe(false)
    expect(dec(jsonFormat.emit(b === undefined ? [] : [b]))).toBe(sopsOut)
    const sealed = dec(jsonFormat.emitSealed([b ?? map([])], map([entry("version", str("3.13.2"))])))
    expect(jsonFormat.parseSealed(enc(sealed + text.slice(text.indexOf("null}") + 5)), "f.json")).toEqual(
      jsonFormat.parseSealed(enc(sealed), "f.json"),
    )
  })

  it("should read invalid UTF-8 after the top-level object as nothing, and still refuse text before it", () => {
    const bytes = new Uint8Array([...enc('{"a": 1}'), 0xff, 0xfe])
    expect(jsonFormat.parse(bytes, "f.json")).toEqual([map([entry("a", int(1n))])])
    expect(errorOf(() => jsonFormat.parse(enc('junk {"a": 1}'), "f.json"))).toBe(
      "FORMAT f.json:1:1: invalid json: unexpected character",
    )
    expect(errorOf(() => jsonFormat.parse(enc('{"a": 1'), "f.json"))).toBe(
      'FORMAT f.json:1:8: invalid json: expected "," or "}" in an object',
    )
  })
})

describe("JSON writer", () => {
  it("should indent with a tab by default, or N spaces, and write empty containers inline", () => {
    const b = map([
      entry("a", list([int(1n), map([entry("k", bool(true))]), comment("dropped")])),
      comment("dropped"),
      entry("e", map([])),
      entry("l", list([])),
    ])
    expect(dec(jsonFormat.emit([b]))).toBe(
      '{\n\t"a": [\n\t\t1,\n\t\t{\n\t\t\t"k": true\n\t\t}\n\t],\n\t"e": {},\n\t"l": []\n}\n',
    )
    expect(dec(jsonFormat.emit([b], { indent: 2 }))).toBe(
      '{\n  "a": [\n    1,\n    {\n      "k": true\n    }\n  ],\n  "e": {},\n  "l": []\n}\n',
    )
    expect(dec(jsonFormat.emit([]))).toBe("{}\n")
  })

  it("should write scalars as Go does", () => {
    const b = map([
      entry("s", str("x")),
      entry("t", time("2024-01-01T00:00:00Z")),
      entry("b", bytes(enc("raw"))),
      entry("f", float(1e21)),
      entry("g", float(0.5)),
      entry("z", float(-0)),
      entry("no", bool(false)),
      entry("n", nul()),
    ])
    expect(dec(jsonFormat.emitValue(b, { indent: 0 }))).toBe(
      '{\n"s": "x",\n"t": "2024-01-01T00:00:00Z",\n"b": "raw",\n"f": 1e+21,\n"g": 0.5,\n"z": -0,\n"no": false,\n"n": null\n}',
    )
    // Go's spelling, as sops 3.13.2 prints it for `a: .inf` decrypted to JSON.
    expect(errorOf(() => jsonFormat.emitValue(float(Infinity)))).toBe("FORMAT json: unsupported value: +Inf")
    expect(errorOf(() => jsonFormat.emitValue(float(-Infinity)))).toBe("FORMAT json: unsupported value: -Inf")
    expect(errorOf(() => jsonFormat.emitValue(float(NaN)))).toBe("FORMAT json: unsupported value: NaN")
  })

  it("should escape strings HTML-safe, as encoding/json does", () => {
    expect(jsonString('"\\\n\r\t<>&\u2028\u2029\u0001\u001f é')).toBe(
      '"\\"\\\\\\n\\r\\t\\u003c\\u003e\\u0026\\u2028\\u2029\\u0001\\u001f é"',
    )
  })

  it("should put the metadata under a last sops key, and take it out again", () => {
    const meta = map([entry("version", str("3.13.2"))])
    const text = dec(jsonFormat.emitSealed([map([entry("a", str("v"))])], meta, { indent: 1 }))
    expect(text).toBe('{\n "a": "v",\n "sops": {\n  "version": "3.13.2"\n }\n}\n')
    expect(jsonFormat.parseSealed(enc(text), "f.json")).toEqual({
      branches: [map([entry("a", str("v"))])],
      metadata: meta,
    })
    expect(jsonFormat.parseSealed(enc('{"a": 1}'), "f.json").metadata).toBeNull()
    expect(errorOf(() => jsonFormat.parseSealed(enc('{"sops": 1}'), "f.json"))).toBe(
      "FORMAT f.json: the sops entry is not a mapping",
    )
    expect(errorOf(() => jsonFormat.parseSealed(enc('{"sops": {}, "sops": {}}'), "f.json"))).toBe(
      "FORMAT f.json: more than one sops metadata entry",
    )
    expect(jsonFormat.hasMetadata([map([entry("sops", map([]))])])).toBe(true)
    expect(jsonFormat.hasMetadata([map([entry("sop", map([]))])])).toBe(false)
  })
})

describe("binary", () => {
  it("should read UTF-8 as a string and anything else as bytes, under data", () => {
    expect(binaryFormat.parse(enc("héllo"), "f")).toEqual([map([entry("data", str("héllo"))])])
    const raw = Uint8Array.from([0xff, 0x00])
    expect(binaryFormat.parse(raw, "f")).toEqual([map([entry("data", bytes(raw))])])
    // A BOM is content, not decoration.
    expect(binaryFormat.parse(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]), "f")).toEqual([
      map([entry("data", str("\ufeffA"))]),
    ])
    expect(binaryFormat.hasMetadata([map([entry("sops", map([]))])])).toBe(false)
  })

  it("should write the data value back byte for byte, and refuse anything else", () => {
    const raw = Uint8Array.from([0xff, 0x00])
    expect(binaryFormat.emit([map([entry("x", str("no")), entry("data", bytes(raw))])])).toEqual(raw)
    expect(dec(binaryFormat.emit([map([entry("data", str("text"))])]))).toBe("text")
    const msg = "FORMAT binary: binary output needs a single string value under the key data"
    expect(errorOf(() => binaryFormat.emit([map([entry("data", int(1n))])]))).toBe(msg)
    expect(errorOf(() => binaryFormat.emit([map([entry("other", str("x"))])]))).toBe(msg)
    expect(errorOf(() => binaryFormat.emitValue(map([])))).toBe(msg)
    expect(dec(binaryFormat.emitValue(str("v")))).toBe("v")
  })

  it("should store a sealed binary file as JSON", () => {
    const meta = map([entry("version", str("3.13.2"))])
    const text = binaryFormat.emitSealed([map([entry("data", str("ENC[x]"))])], meta)
    expect(dec(text)).toBe('{\n\t"data": "ENC[x]",\n\t"sops": {\n\t\t"version": "3.13.2"\n\t}\n}\n')
    expect(binaryFormat.parseSealed(text, "f").metadata).toEqual(meta)
  })
})
