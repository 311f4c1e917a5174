import { describe, expect, it } from "vitest"
import { errorOf } from "../../helpers/error-of.js"
import { iniFormat } from "../../../src/formats/ini.js"
import { comment, entry, map, str, type MapItem } from "../../../src/tree/node.js"

// The INI reader's corners (issue 8, mutation testing), each with the exact tree or message: empty
// quoted values, a continued value that meets a blank line, a fence continued past its close,
// a six-character `"""` key line, comments in [sops].
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const parse = (s: string): unknown => iniFormat.parse(enc(s), "f.ini")[0]
const sections = (...s: [string, MapItem[]][]): unknown =>
  map([entry("DEFAULT", map([])), ...s.map(([name, items]) => entry(name, map(items)))])

describe("INI reader corners", () => {
  it("should read empty quoted values as empty and a lone quote as itself", () => {
    expect(parse('[s]\na = ""\nb = \'\'\nc = "\nd = x\n')).toEqual(
      sections(["s", [entry("a", str("")), entry("b", str("")), entry("c", str('"')), entry("d", str("x"))]]),
    )
  })

  it("should end a continued value at a blank line and read the next key", () => {
    expect(parse("[s]\na = x\\\n\nb = 2\n")).toEqual(
      sections(["s", [entry("a", str("x")), entry("b", str("2"))]]),
    )
    expect(parse("[s]\na = x \\\n y")).toEqual(sections(["s", [entry("a", str("x y"))]]))
  })

  it("should go on past a closing fence followed by a backslash, fence included (go-ini 1.67.3)", () => {
    expect(parse('[s]\na = """one\ntwo""" \\\nthree"""\nb = 1\n')).toEqual(
      sections(["s", [entry("a", str('one\ntwo""" \\\nthree')), entry("b", str("1"))]]),
    )
    expect(parse("[s]\na = `x\ny` \\\nz`\n")).toEqual(sections(["s", [entry("a", str("x\ny` \\\nz"))]]))
  })

  it("should keep the carriage returns of a fenced value's lines with CRLF line breaks, as sops 3.13.2 does", () => {
    expect(parse('[s]\r\nk = """a\r\nb\r\n"""\r\nt = `x\r\ny` ; c\r\nj = """one"""\r\nv = w\r\n')).toEqual(
      sections([
        "s",
        [
          entry("k", str("a\r\nb\r\n")),
          entry("t", str("x\r\ny")),
          comment("c"),
          entry("j", str("one")),
          entry("v", str("w")),
        ],
      ]),
    )
  })

  it("should read an empty value at the end of a line or before the next section", () => {
    expect(parse("k =\n")).toEqual(map([entry("DEFAULT", map([entry("k", str(""))]))]))
    expect(parse("k = \n[s]\n")).toEqual(
      map([entry("DEFAULT", map([entry("k", str(""))])), entry("s", map([]))]),
    )
  })

  it('should read a six-character """ line as "-quoted, as go-ini does', () => {
    expect(errorOf(() => parse('"""a=b'))).toBe("FORMAT f.ini:1: empty key name")
    expect(errorOf(() => parse('"""a"=b'))).toBe("FORMAT f.ini:1: missing closing key quote")
  })
})

describe("INI reader corners checked against sops 3.13.2 (same JSON and INI out of both)", () => {
  it("should cut a section header's comment only after its last ]", () => {
    expect(parse("[a;]\nk = 1\n")).toEqual(sections(["a;", [entry("k", str("1"))]]))
    expect(parse("[a;b] ; c\nk = 1\n")).toEqual(sections(["a;b", [comment("c"), entry("k", str("1"))]]))
  })

  it('should close a """ fence on the last line even without a line break', () => {
    expect(parse('k = """a"""')).toEqual(map([entry("DEFAULT", map([entry("k", str("a"))]))]))
  })

  it("should drop quotes only around the whole value", () => {
    expect(parse('k = ab"\nj = x"y"\n')).toEqual(
      map([entry("DEFAULT", map([entry("k", str('ab"')), entry("j", str('x"y"'))]))]),
    )
  })

  it("should continue a fence only when the text after its close ends in a backslash", () => {
    expect(parse('[s]\na = """one\ntwo""" x\\\nthree"""\nb = 1\n')).toEqual(
      sections(["s", [entry("a", str('one\ntwo""" x\\\nthree')), entry("b", str("1"))]]),
    )
    expect(parse('[s]\na = """one\ntwo""" \\ ; c\nb = 1\n')).toEqual(
      sections(["s", [entry("a", str("one\ntwo")), comment("c"), entry("b", str("1"))]]),
    )
    expect(parse('[s]\na = """one\n"""x\\   \nthree"""\nb = 1\n')).toEqual(
      sections(["s", [entry("a", str('one\n"""x\\   \nthree')), entry("b", str("1"))]]),
    )
  })

  it("should look for a comment only after a closing fence", () => {
    expect(parse('[s]\na = """one\ntwo;x"""\nb = 1\n')).toEqual(
      sections(["s", [entry("a", str("one\ntwo;x")), entry("b", str("1"))]]),
    )
  })
})

describe("INI format object", () => {
  it("should be named ini and flat", () => {
    expect(iniFormat.name).toBe("ini")
    expect(iniFormat.flat).toBe(true)
  })

  it("should hand back a file without a [sops] section whole, with no metadata", () => {
    const r = iniFormat.parseSealed(enc("[s]\na = 1\n"), "f.ini")
    expect(r).toEqual({ branches: [sections(["s", [entry("a", str("1"))]])], metadata: null })
  })

  it("should leave out a comment outside any section when writing (as sops does from YAML)", () => {
    const tree = map([comment(" top"), entry("s", map([entry("a", str("1"))]))])
    expect(new TextDecoder().decode(iniFormat.emit([tree]))).toBe("[s]\na = 1\n")
  })

  it("should name the key and give the hint when a key name cannot be written", () => {
    let caught: unknown
    try {
      iniFormat.emit([map([entry("s", map([entry("a", str("1")), entry(" b", str("2"))]))])])
    } catch (e) {
      caught = e
    }
    expect(caught).toMatchObject({
      code: "FORMAT",
      hint: "rename the key; sops would write it but could not open the file again",
    })
    expect(errorOf(() => iniFormat.emit([map([entry("s", map([entry(" b", str("2"))]))])]))).toContain(
      'section "s", key 1: cannot write a key name that starts or ends with white space',
    )
  })
})

describe("INI metadata corners", () => {
  it("should skip comments in the [sops] section and unescape \\n", () => {
    const r = iniFormat.parseSealed(enc("[s]\na = 1\n[sops]\n; note\nversion = x\\ny\n"), "f.ini")
    expect(r.branches).toEqual([sections(["s", [entry("a", str("1"))]])])
    expect(r.metadata).toEqual(map([entry("version", str("x\ny"))]))
  })

  it("should write the metadata section alone when there are no branches", () => {
    const text = new TextDecoder().decode(iniFormat.emitSealed([], map([entry("version", str("3"))])))
    expect(text).toBe("[sops]\nversion = 3\n")
    expect(iniFormat.hasMetadata([])).toBe(false)
  })
})
