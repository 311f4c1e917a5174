import { describe, expect, it } from "vitest"
import { errorOf } from "../../helpers/error-of.js"
import { dotenvFormat } from "../../../src/formats/dotenv.js"
import { flattenMetadata, unflattenMetadata } from "../../../src/formats/flatten.js"
import { iniFormat } from "../../../src/formats/ini.js"
import { formatForPath, parseFormatName } from "../../../src/formats/registry.js"
import {
  bool,
  comment,
  entry,
  float,
  int,
  list,
  map,
  nul,
  str,
  type Branch,
  type TreeNode,
} from "../../../src/tree/node.js"

// Spec §6.5–§6.7: dotenv and INI as sops reads and writes them, and the flattened metadata, with
// exact texts (the round-trip properties cannot see a writer and reader that agree on a mistake).
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

describe("dotenv", () => {
  it("should read keys, values with = and \\n escapes, and # comments, skipping empty lines", () => {
    const [b] = dotenvFormat.parse(enc("#top\nA=1\n\nB=x=y\nC=line1\\nline2\nD=\n"), "f.env")
    expect(b).toEqual(
      map([
        comment("top"),
        entry("A", str("1")),
        entry("B", str("x=y")),
        entry("C", str("line1\nline2")),
        entry("D", str("")),
      ]),
    )
  })

  it("should refuse a line without = naming file and line", () => {
    expect(errorOf(() => dotenvFormat.parse(enc("A=1\n\nnot a pair\n"), "f.env"))).toBe(
      'FORMAT f.env:3: invalid dotenv line: missing "="',
    )
  })

  it("should write scalars as text with \\n escaped and comments after #", () => {
    const b = map([
      comment(" c"),
      entry("S", str("a\nb")),
      entry("I", int(5n)),
      entry("F", float(0.5)),
      entry("B", bool(false)),
      entry("N", nul()),
    ])
    expect(dec(dotenvFormat.emit([b]))).toBe("# c\nS=a\\nb\nI=5\nF=0.5\nB=false\nN=\n")
    expect(dec(dotenvFormat.emit([]))).toBe("")
  })

  it("should refuse to write a nested value, and --extract of a non-string", () => {
    expect(errorOf(() => dotenvFormat.emit([map([entry("K", map([]))])]))).toBe(
      "FORMAT dotenv: cannot write nested value K in dotenv format",
    )
    expect(errorOf(() => dotenvFormat.emitValue(int(1n)))).toBe(
      "FORMAT dotenv: the dotenv store only supports emitting strings",
    )
    expect(errorOf(() => dotenvFormat.emitValue(map([])))).toBe(
      "FORMAT dotenv: the dotenv store only supports emitting strings",
    )
    expect(dec(dotenvFormat.emitValue(str("v")))).toBe("v")
  })

  it("should keep metadata in sops_ keys, flattened, and read it back apart from the data", () => {
    const meta = map([
      entry("age", list([map([entry("enc", str("E\nF")), entry("recipient", str("r"))])])),
      entry("version", str("3.13.2")),
    ])
    const text = dec(dotenvFormat.emitSealed([map([entry("A", str("v"))])], meta))
    expect(text).toBe(
      "A=v\nsops_age__list_0__map_enc=E\\nF\nsops_age__list_0__map_recipient=r\nsops_version=3.13.2\n",
    )
    const back = dotenvFormat.parseSealed(enc(text), "f.env")
    expect(back.branches).toEqual([map([entry("A", str("v"))])])
    expect(back.metadata).toEqual(meta)
    expect(dotenvFormat.parseSealed(enc("A=v\nsopsy=1\n"), "f.env").metadata).toBeNull()
    expect(dotenvFormat.hasMetadata([map([entry("sops_version", str("x"))])])).toBe(true)
    expect(dotenvFormat.hasMetadata([map([entry("sopsversion", str("x"))])])).toBe(false)
    expect(dotenvFormat.hasMetadata([])).toBe(false)
  })
})

describe("INI", () => {
  const parse = (s: string): TreeNode | undefined => iniFormat.parse(enc(s), "f.ini")[0]

  it("should read sections after an implicit DEFAULT, both delimiters, and CRLF", () => {
    expect(parse("top = 1\r\n[s]\r\na=2\r\nb: 3\r\n")).toEqual(
      map([
        entry("DEFAULT", map([entry("top", str("1"))])),
        entry("s", map([entry("a", str("2")), entry("b", str("3"))])),
      ]),
    )
  })

  it("should read quoted, backtick and triple-quoted values and cut inline comments of plain ones", () => {
    const b = parse(
      '[s]\na = "  spaced  "\nb = \'single\'\nc = `x # y`\nd = """one\ntwo"""\ne = plain # note\nf = v ; note\ng = """inline"""\nh = `multi\nline`\n',
    )
    expect(b).toEqual(
      map([
        entry("DEFAULT", map([])),
        entry(
          "s",
          map([
            entry("a", str("  spaced  ")),
            entry("b", str("single")),
            entry("c", str("x # y")),
            entry("d", str("one\ntwo")),
            entry("e", str("plain")),
            comment("note"),
            entry("f", str("v")),
            comment("note"),
            entry("g", str("inline")),
            entry("h", str("multi\nline")),
          ]),
        ),
      ]),
    )
  })

  it("should unquote keys, let a repeated key win in place, and keep a repeated section apart", () => {
    const b = parse('[s]\n`k` = a\n"q" = b\nx = 1\nx = 2\n[t]\ny = 2\n[s]\nx = 3\n')
    expect(b).toEqual(
      map([
        entry("DEFAULT", map([])),
        entry("s", map([entry("k", str("a")), entry("q", str("b")), entry("x", str("2"))])),
        entry("t", map([entry("y", str("2"))])),
        entry("s", map([entry("x", str("3"))])),
      ]),
    )
  })

  it("should put comment lines after the next key, or first in the next section, first line's markers stripped", () => {
    expect(parse("; about s\n[s]\n# about a\n;; and more\na = 1\n")).toEqual(
      map([
        entry("DEFAULT", map([])),
        entry("s", map([comment("about s"), entry("a", str("1")), comment("about a\n;; and more")])),
      ]),
    )
  })

  it.each([
    ["[s\n", "FORMAT f.ini:1: unclosed section header"],
    ["[s]\njust words\n", 'FORMAT f.ini:2: key-value delimiter "=" not found'],
    ["[s]\n= v\n", "FORMAT f.ini:2: empty key name"],
    ['[s]\na = """open\nstill\n', 'FORMAT f.ini:2: unterminated """ value'],
    ["[s]\n\na = `open\n", "FORMAT f.ini:3: unterminated ` value"],
  ])("should refuse %j", (text, message) => {
    expect(errorOf(() => parse(text))).toBe(message)
  })

  it("should write sections as go-ini does: aligned =, quoting as needed, comments above", () => {
    const b: Branch = map([
      entry("DEFAULT", map([])),
      entry(
        "s",
        map([
          comment("section note"),
          entry("a", str("1")),
          comment("# about a"),
          entry("long_key", str(" padded ")),
          entry("k=v", str("x;y")),
          entry("t`ick", str("multi\nline")),
          entry("n", int(7n)),
        ]),
      ),
      entry("t", map([entry("b", str("back`tick"))])),
    ])
    expect(dec(iniFormat.emit([b]))).toBe(
      [
        "; section note",
        "[s]",
        // = aligned on the longest key, the 11 characters of """t`ick""".
        "# about a",
        "a           = 1",
        'long_key    = " padded "',
        "`k=v`       = `x;y`",
        '"""t`ick""" = """multi',
        'line"""',
        "n           = 7",
        "",
        "[t]",
        'b = """back`tick"""',
        "",
      ].join("\n"),
    )
  })

  it("should write a DEFAULT section that has keys or comments, without a header", () => {
    expect(dec(iniFormat.emit([map([entry("DEFAULT", map([entry("a", str("1"))]))])]))).toBe("a = 1\n")
    expect(dec(iniFormat.emit([map([entry("DEFAULT", map([comment("c")]))])]))).toBe("; c\n")
    expect(dec(iniFormat.emit([]))).toBe("")
  })

  it("should refuse values that are not sections, and sections holding nested values", () => {
    expect(errorOf(() => iniFormat.emit([map([entry("a", str("1"))])]))).toBe(
      "FORMAT ini: value a must be a section (a mapping of values)",
    )
    expect(errorOf(() => iniFormat.emit([map([entry("s", map([entry("k", map([]))]))])]))).toBe(
      "FORMAT ini: value s.k must be a plain value",
    )
    expect(errorOf(() => iniFormat.emitValue(map([])))).toBe(
      "FORMAT ini: cannot write a nested value on its own in ini format",
    )
    expect(dec(iniFormat.emitValue(int(3n)))).toBe("3")
  })

  it("should keep metadata in a [sops] section with \\n escaped, and read it back apart", () => {
    const meta = map([
      entry("age", list([map([entry("enc", str("E\nF"))])])),
      entry("version", str("3.13.2")),
    ])
    const text = dec(iniFormat.emitSealed([map([entry("s", map([entry("a", str("v"))]))])], meta))
    expect(text).toBe("[s]\na = v\n\n[sops]\nage__list_0__map_enc = E\\nF\nversion              = 3.13.2\n")
    const back = iniFormat.parseSealed(enc(text), "f.ini")
    expect(back.branches).toEqual([map([entry("DEFAULT", map([])), entry("s", map([entry("a", str("v"))]))])])
    expect(back.metadata).toEqual(meta)
    expect(iniFormat.parseSealed(enc("[s]\na = 1\n"), "f.ini").metadata).toBeNull()
    expect(iniFormat.hasMetadata([map([entry("sops", map([]))])])).toBe(true)
    expect(iniFormat.hasMetadata([map([entry("sopsy", map([]))])])).toBe(false)
  })
})

describe("flattened metadata (spec §6.7)", () => {
  it("should flatten depth first with __map_ and __list_ and drop comments", () => {
    const meta = map([
      entry("a", list([comment("x"), map([entry("k", str("v"))]), str("w")])),
      comment("c"),
      entry("b", nul()),
    ])
    expect(flattenMetadata(meta, "p_")).toEqual([
      ["p_a__list_0__map_k", "v"],
      ["p_a__list_1", "w"],
      ["p_b", ""],
    ])
  })

  it.each([
    [[["a__list_1", "x"]], "FORMAT f: sops metadata list indices are not contiguous"],
    [[["a__list_", "x"]], "FORMAT f: sops metadata list index is not a number"],
    [[["a__list_01", "x"]], "FORMAT f: sops metadata list index is not a number"],
    [
      [
        ["a", "x"],
        ["a__map_b", "y"],
      ],
      "FORMAT f: sops metadata key a__map_b conflicts with another",
    ],
    [
      [
        ["a__map_b", "y"],
        ["a__map_b__map_c", "z"],
      ],
      "FORMAT f: sops metadata key a__map_b__map_c conflicts with another",
    ],
    [[["a" + "__map_x".repeat(33), "v"]], "FORMAT f: sops metadata nested too deep"],
  ])("should refuse %j", (pairs, message) => {
    expect(errorOf(() => unflattenMetadata(pairs as [string, string][], "f"))).toBe(message)
  })

  it("should rebuild lists in index order and accept 32 levels", () => {
    expect(
      unflattenMetadata(
        [
          ["l__list_1", "b"],
          ["l__list_0", "a"],
          ["l__list_10", "k"],
          ...Array.from({ length: 8 }, (_, i): [string, string] => [`l__list_${i + 2}`, String(i)]),
        ],
        "f",
      ),
    ).toEqual(
      map([entry("l", list(["a", "b", "0", "1", "2", "3", "4", "5", "6", "7", "k"].map((v) => str(v))))]),
    )
    expect(() => unflattenMetadata([["a" + "__map_x".repeat(32), "v"]], "f")).not.toThrow()
  })
})

describe("format names", () => {
  it("should pick the format by extension, case-insensitively, binary otherwise", () => {
    expect(["a.yaml", "a.YML", "a.json", "b.env", "c.INI", "d.txt", "yaml"].map(formatForPath)).toEqual([
      "yaml",
      "yaml",
      "json",
      "dotenv",
      "ini",
      "binary",
      "binary",
    ])
  })
  it("should accept the five type names and refuse others with USAGE", () => {
    expect(["yaml", "json", "dotenv", "ini", "binary"].map(parseFormatName)).toEqual([
      "yaml",
      "json",
      "dotenv",
      "ini",
      "binary",
    ])
    expect(errorOf(() => parseFormatName("yml"))).toBe('USAGE unknown file type "yml"')
  })
})
