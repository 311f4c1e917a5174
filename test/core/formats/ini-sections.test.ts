import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { iniFormat } from "../../../src/formats/ini.js"
import { comment, entry, map, str, type Branch } from "../../../src/tree/node.js"

// Repeated INI sections as sops 3.13.2 reads and writes them: its store loads and writes with
// go-ini's AllowNonUniqueSections, so each `[name]` header (DEFAULT too) starts a section of its
// own. <case>.sops-out.ini is `sops decrypt` of `sops encrypt <case>.ini`.
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ini-sections/${name}`, import.meta.url), "utf8")
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const parse = (s: string): Branch => iniFormat.parse(enc(s), "f.ini")[0] as Branch
const emit = (b: Branch): string => dec(iniFormat.emit([b]))

describe("repeated INI sections as sops reads and writes them", () => {
  it.each(["sections", "default", "empty-sections"])(
    "%s.ini: written back byte for byte as sops writes it",
    (name) => {
      expect(emit(parse(fixture(`${name}.ini`)))).toBe(fixture(`${name}.sops-out.ini`))
    },
  )

  it("should keep each header's keys and comment in its own section, in file order", () => {
    expect(parse(fixture("sections.ini"))).toEqual(
      map([
        entry("DEFAULT", map([])),
        entry("s", map([comment("top"), entry("a", str("1")), entry("b", str("2")), comment("about b")])),
        entry("t", map([entry("x", str("1"))])),
        entry("s", map([comment("again s"), entry("c", str("3")), entry("b", str("4")), comment("new b")])),
        entry("t", map([entry("y", str("2"))])),
        entry("DEFAULT", map([entry("d", str("5"))])),
      ]),
    )
  })

  it("should write only a first section named DEFAULT (any case) without a header", () => {
    // From `sops decrypt --output-type ini` of JSON sealed with these sections.
    const b = map([
      entry("default", map([entry("a", str("1"))])),
      entry("t", map([entry("b", str("2"))])),
      entry("DEFAULT", map([entry("c", str("3"))])),
    ])
    expect(emit(b)).toBe("a = 1\n\n[t]\nb = 2\n\n[DEFAULT]\nc = 3\n")
    expect(emit(map([entry("s", map([entry("a", str("1"))])), entry("DEFAULT", map([]))]))).toBe(
      "[s]\na = 1\n\n[DEFAULT]\n",
    )
  })

  it("should leave out a first DEFAULT without keys but keep its comment, with no blank line after", () => {
    // go-ini's WriteTo writes the section comment, then skips a headerless section without keys
    // before its blank line.
    const b = map([entry("DEFAULT", map([comment("c")])), entry("s", map([entry("a", str("1"))]))])
    expect(emit(b)).toBe("; c\n[s]\na = 1\n")
  })

  it("should refuse a sealed file with two [sops] sections, as sops does", () => {
    const text = "[s]\na = 1\n\n[sops]\nversion = 3.13.2\n\n[sops]\nversion = 3.13.2\n"
    let err: unknown
    try {
      iniFormat.parseSealed(enc(text), "f.ini")
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(BridgeError)
    expect((err as BridgeError).message).toBe("f.ini: more than one sops metadata entry")
  })
})
