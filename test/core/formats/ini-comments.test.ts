import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { iniFormat } from "../../../src/formats/ini.js"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { comment, entry, map, str, type Branch, type MapItem } from "../../../src/tree/node.js"

// INI comments as sops 3.13.2 (go-ini 1.67.3) reads, seals and writes them (issue 8). Each
// <case>.sops-out.ini is `sops decrypt` of `sops encrypt <case>.ini`: the file as sops writes it
// back, which is what emit(parse(input)) must give.
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ini-comments/${name}`, import.meta.url), "utf8")
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const parse = (s: string): Branch => iniFormat.parse(enc(s), "f.ini")[0] as Branch
const emit = (b: Branch): string => dec(iniFormat.emit([b]))
const section = (b: Branch, name: string): readonly MapItem[] => {
  const it = b.items.find((i) => i.kind === "entry" && i.key === name)
  if (it?.kind !== "entry" || it.value.kind !== "map") throw new Error(`no section ${name}`)
  return it.value.items
}

describe("INI comments as sops reads and writes them", () => {
  it.each(["inline", "inline-more", "markers", "empty", "repeated-key", "crlf", "indent"])(
    "%s.ini: written back byte for byte as sops writes it",
    (name) => {
      expect(emit(parse(fixture(`${name}.ini`)))).toBe(fixture(`${name}.sops-out.ini`))
    },
  )

  it("should keep an inline comment as the key's comment (sealed as one), after comment lines above it", () => {
    expect(section(parse(fixture("inline.ini")), "s")).toEqual([
      entry("a", str("1")),
      comment("c"),
      entry("b", str("2")),
      comment("d"),
      entry("e", str("3")),
      comment("above e\n# inline e"),
    ])
  })

  it("should cut the comment before quotes are dropped, and keep none after a one-line fence", () => {
    expect(section(parse(fixture("inline.ini")), "t")).toEqual([
      comment("sect"),
      entry("x", str("q")),
      entry("y", str('"v')),
      comment('w" # z'),
    ])
  })

  it("should take a comment after a fence closed on a later line, and one standing for an empty value", () => {
    expect(section(parse(fixture("inline-more.ini")), "s")).toEqual([
      entry("m", str("one\ntwo")),
      comment("after fence"),
      entry("n", str("a\nb")),
      comment("after triple"),
      entry("e", str("")),
      comment("only a comment"),
      entry("q", str('"quoted')),
      comment('not a comment"'),
      entry("r", str("x\ny`z")),
      comment("last backquote closes"),
    ])
  })

  it("should strip the markers of a comment's first line only, as sops' stripCommentChar", () => {
    const items = section(parse(fixture("markers.ini")), "s")
    expect(items.filter((i) => i.kind === "comment").map((i) => i.text)).toEqual([
      "x",
      "y",
      "; z",
      "x\n;;  x2\n##y2\n#;z2\n# w2\n;\n#",
      "sp",
      "h1\n;;",
    ])
  })

  it("should keep the line breaks of a CRLF file inside a comment, as sops seals them", () => {
    const b = parse(fixture("crlf.ini"))
    expect(section(b, "s")).toEqual([
      comment("top\r\n; s"),
      entry("k", str("1")),
      comment("a\r\n;; b\r\n# k"),
      entry("l", str("2")),
      comment("x"),
    ])
  })

  it("should keep an empty comment (sealed empty, never written) and give a repeated key the last comment", () => {
    expect(section(parse(fixture("empty.ini")), "s")).toEqual([
      entry("a", str("1")),
      comment(""),
      entry("b", str("2")),
      comment(""),
      entry("c", str("3")),
      comment("kept"),
    ])
    expect(section(parse(fixture("repeated-key.ini")), "s")).toEqual([
      entry("a", str("5")),
      entry("b", str("2")),
      entry("c", str("4")),
    ])
  })

  it("should write comments as go-ini: one marker and a space, key lines trimmed, section lines not", () => {
    const b = map([
      entry("DEFAULT", map([])),
      entry(
        "s",
        map([
          comment(" lead  \n#x\n;  y  "),
          entry("a", str("1")),
          comment("  one  \n##two"),
          entry("b", str("2")),
          comment(""),
        ]),
      ),
    ])
    expect(emit(b)).toBe(";  lead  \n# x\n; y\n[s]\n; one\n# #two\na = 1\nb = 2\n")
  })

  it("should write what sops' encodeTree keeps: the last comment after a key, a leading one only first", () => {
    const b = map([
      entry("DEFAULT", map([])),
      entry(
        "s",
        map([
          comment("section"),
          comment("lost"),
          entry("a", str("1")),
          comment("first"),
          comment("second"),
          entry("b", str("2")),
          comment("gone"),
          comment(""),
          entry("a", str("3")),
          comment("again a"),
        ]),
      ),
    ])
    expect(emit(b)).toBe("; section\n[s]\n; again a\na = 3\nb = 2\n")
  })

  it("should write an empty line inside a comment as `; ` (sops panics on it)", () => {
    // `;` alone then `; b`: sops strips the first line to nothing, seals "\n; b", and its writer
    // then indexes the empty line and panics on decrypt (exit 2).
    const b = parse("[s]\n;\n; b\nc = 1\n")
    expect(section(b, "s")).toEqual([entry("c", str("1")), comment("\n; b")])
    expect(emit(b)).toBe("[s]\n; \n; b\nc = 1\n")
  })

  it("should write a comment of several lines to YAML as sops does: further lines `# ` unless they start with #", () => {
    // to-yaml.sops-out.yaml is `sops decrypt --output-type yaml` of to-yaml.ini sealed by sops.
    expect(dec(yamlFormat.emit([parse(fixture("to-yaml.ini"))]))).toBe(fixture("to-yaml.sops-out.yaml"))
  })
})
