import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { isBlank } from "../../../src/ops/blank.js"
import { envFromBranch } from "../../../src/ops/exec-env.js"
import { withAttributesBlock, withoutAttributesBlock } from "../../../src/ops/git-attributes.js"
import { branchesToJson } from "../../../src/ops/publish-json.js"
import { bool, bytes, comment, entry, float, int, list, map, nul, str, time } from "../../../src/tree/node.js"

// The small pure helpers of src/ops that the commands' own suites reach only through spawned
// processes or peers (exec-env, publish, git setup): exact outputs, so mutation testing of
// src/ops meets them in-process (issue 8).
const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe("isBlank", () => {
  it("should count only space, newline, carriage return and tab as blank", () => {
    expect(isBlank(new Uint8Array())).toBe(true)
    for (const ws of [" ", "\n", "\r", "\t", " \t\r\n  "])
      expect(isBlank(enc(ws)), JSON.stringify(ws)).toBe(true)
    for (const other of ["a", "\v", "\f", "\0", "  x", "x  ", "\n{}\n"])
      expect(isBlank(enc(other)), JSON.stringify(other)).toBe(false)
  })
})

const BEGIN = "# >>> sealbridge git setup (remove with: sealbridge git setup --undo)"
const END = "# <<< sealbridge git setup"

describe("git attributes block", () => {
  it("should write one line per file, sorted by path, anchored at the root, and quote paths with blanks, quotes, backslashes or #", () => {
    const files = [
      "b.yaml",
      "sp ace.env",
      "//abs.json",
      "dir//f.yaml",
      'quo"te',
      "back\\slash",
      "hash#",
      "a.ini",
    ]
    expect(withAttributesBlock("", files)).toBe(
      [
        BEGIN,
        "/abs.json diff=sealbridge",
        "/a.ini diff=sealbridge",
        "/b.yaml diff=sealbridge",
        '"/back\\\\slash" diff=sealbridge',
        "/dir//f.yaml diff=sealbridge",
        '"/hash#" diff=sealbridge',
        '"/quo\\"te" diff=sealbridge',
        '"/sp ace.env" diff=sealbridge',
        END,
        "",
      ].join("\n"),
    )
  })

  it("should keep what else the file holds, ending it with a newline before the block", () => {
    const block = `${BEGIN}\n/x diff=sealbridge\n${END}\n`
    expect(withAttributesBlock("*.bin binary", ["x"])).toBe(`*.bin binary\n${block}`)
    expect(withAttributesBlock("*.bin binary\n", ["x"])).toBe(`*.bin binary\n${block}`)
    expect(withAttributesBlock(`a\n${BEGIN}\n/old diff=sealbridge\n${END}\nz\n`, ["x"])).toBe(
      `a\nz\n${block}`,
    )
    expect(withAttributesBlock("", [])).toBe(`${BEGIN}\n${END}\n`)
  })

  it("should remove only the block: to its end marker and one newline, or to the end when unterminated", () => {
    expect(withoutAttributesBlock("a\nb\n")).toBe("a\nb\n")
    expect(withoutAttributesBlock(`a\n${BEGIN}\n/x diff=sealbridge\n${END}\nz\n`)).toBe("a\nz\n")
    expect(withoutAttributesBlock(`a\n${BEGIN}\n/x diff=sealbridge\n${END}`)).toBe("a\n")
    expect(withoutAttributesBlock(`a\n${BEGIN}\n${END}z`)).toBe("a\nz")
    expect(withoutAttributesBlock(`a\n${BEGIN}\n/x diff=sealbridge\n`)).toBe("a\n")
    // An end marker before the block is not its end.
    expect(withoutAttributesBlock(`${END}\nm\n${BEGIN}\n/x\n${END}\nz\n`)).toBe(`${END}\nm\nz\n`)
  })
})

describe("envFromBranch", () => {
  it("should give each top-level scalar sops' ValToString text, in order, skipping comments", () => {
    const env = envFromBranch(
      map([
        comment(" note"),
        entry("S", str("text")),
        entry("I", int(12345678901234567890n)),
        entry("F", float(1.5)),
        entry("W", float(5)),
        entry("B", bool(true)),
        entry("N", nul()),
        entry("T", time("2024-01-02T03:04:05.123+00:00")),
        entry("U", time("not a time")),
      ]),
      "s.yaml",
    )
    expect([...env]).toEqual([
      ["S", "text"],
      ["I", "12345678901234567890"],
      ["F", "1.5"],
      ["W", "5.0"],
      ["B", "true"],
      ["N", "<nil>"],
      ["T", "2024-01-02T03:04:05Z"],
      ["U", "not a time"],
    ])
    expect(envFromBranch(undefined, "s.yaml").size).toBe(0)
  })

  it("should refuse a list or map value naming the key, with a hint", () => {
    for (const value of [list([str("a")]), map([entry("in", str("a"))])]) {
      const e = thrown(() => envFromBranch(map([entry("ok", str("1")), entry("nested", value)]), "s.yaml"))
      expect(e).toBeInstanceOf(BridgeError)
      expect((e as BridgeError).code).toBe("USAGE")
      expect((e as BridgeError).message).toBe(
        "s.yaml: cannot use complex value in environment; offending key nested",
      )
      expect((e as BridgeError).hint).toBe(
        "exec-env takes only top-level scalar values; use exec-file for nested data",
      )
    }
  })

  it("should refuse a key holding '='", () => {
    const e = thrown(() => envFromBranch(map([entry("A=B", str("secret"))]), "e.env"))
    expect(e).toBeInstanceOf(BridgeError)
    expect([(e as BridgeError).code, (e as BridgeError).message]).toEqual([
      "USAGE",
      "e.env: cannot use keys with '=' in environment: A=B",
    ])
  })
})

describe("branchesToJson", () => {
  it("should merge the documents' top-level keys (a later one wins), drop comments and keep JSON types", () => {
    const out = branchesToJson([
      map([entry("a", str("first")), entry("keep", int(1n)), entry("digits", str("42"))]),
      map([
        comment("top"),
        entry("a", str("second")),
        entry("big", int(9007199254740993n)),
        entry("safe", int(-9007199254740991n)),
        entry("f", float(0.5)),
        entry("t", bool(false)),
        entry("n", nul()),
        entry("when", time("2024-01-02T03:04:05Z")),
        entry("raw", bytes(enc("bytes ok"))),
        entry(
          "l",
          list([comment("c"), str("x"), list([int(2n)]), map([comment("d"), entry("k", bool(true))])]),
        ),
      ]),
    ])
    expect(out).toStrictEqual({
      a: "second",
      keep: 1,
      // A string of digits stays a string (it is not an int leaf).
      digits: "42",
      big: "9007199254740993",
      safe: -9007199254740991,
      f: 0.5,
      t: false,
      n: null,
      when: "2024-01-02T03:04:05Z",
      raw: "bytes ok",
      l: ["x", [2], { k: true }],
    })
    expect(branchesToJson([])).toStrictEqual({})
  })
})
