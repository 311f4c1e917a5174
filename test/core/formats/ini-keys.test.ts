import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { iniFormat } from "../../../src/formats/ini.js"
import { entry, map, str, type Branch, type MapNode } from "../../../src/tree/node.js"
import { scalarText } from "../../../src/tree/scalar-text.js"

// Key names as go-ini (gopkg.in/ini.v1 1.67.3, sops 3.13.2's INI store) reads and writes them. The
// fixtures are sops' own output: written-by-sops.ini is `sops decrypt` of a file sealed from JSON
// with these names; quoted-names.ini is hand-written, its names as `sops decrypt
// --output-type json` reported them.
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ini-keys/${name}`, import.meta.url), "utf8")
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const parse = (s: string): Branch => iniFormat.parse(enc(s), "f.ini")[0] as Branch
const section = (b: Branch, name: string): MapNode => {
  const it = b.items.find((i) => i.kind === "entry" && i.key === name)
  if (it?.kind !== "entry" || it.value.kind !== "map") throw new Error(`no section ${name}`)
  return it.value
}
const keysOf = (m: MapNode): string[] => m.items.flatMap((i) => (i.kind === "entry" ? [i.key] : []))
const valuesOf = (m: MapNode): Record<string, string> =>
  Object.fromEntries(
    m.items.flatMap((i) =>
      i.kind === "entry" && i.value.kind === "scalar" ? [[i.key, scalarText(i.value.value)]] : [],
    ),
  )
const errorOf = (f: () => unknown): BridgeError => {
  try {
    f()
  } catch (err) {
    if (err instanceof BridgeError) return err
    throw err
  }
  throw new Error("no error")
}
const one = (key: string): Branch => map([entry("s", map([entry(key, str("v"))]))])

const SOPS_KEYS = [
  "a=b",
  "a:b",
  'a"b',
  "a`b",
  "`a",
  "a`",
  '"a',
  'a"',
  '"""x',
  'x"""',
  "ü=",
  "ééé",
  "a b",
  '"a"',
  "`a`",
  "a\tb",
  "a;b",
  "a#b",
  '"',
  "`",
  "=",
  "#k=1",
  "[k:1",
  "k\ufeff",
  "é`",
]

describe("INI key names as sops writes and reads them", () => {
  const text = fixture("written-by-sops.ini")

  it("should read every name sops wrote back as the name it was given", () => {
    expect(keysOf(section(parse(text), "s"))).toEqual(SOPS_KEYS)
  })

  it("should write those names byte for byte as sops does: quoting, = aligned by UTF-8 bytes", () => {
    expect(dec(iniFormat.emit([parse(text)]))).toBe(text)
  })

  it("should read quoted names as go-ini does: the delimiter after the closing quote, the name trimmed, - auto-numbered", () => {
    const b = parse(fixture("quoted-names.ini"))
    expect(keysOf(section(b, "s"))).toEqual(["a=b", "x:y", "y`z", "a", "k", "#1", "sp", "#2", "plain", "q=r"])
    expect(Object.values(valuesOf(section(b, "s")))).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
    ])
  })

  it("should number - keys per section, and keep a U+FEFF that JavaScript's trim would drop", () => {
    const b = parse("- = a\n[t]\n- = b\n- = c\n\ufeffk\ufeff = d\n")
    expect(keysOf(section(b, "DEFAULT"))).toEqual(["#1"])
    expect(keysOf(section(b, "t"))).toEqual(["#1", "#2", "\ufeffk\ufeff"])
  })

  it.each([
    ["both=`x", 'a key name with a backquote and one of ", = or :'],
    ['a=b"`c', 'a key name with a backquote and one of ", = or :'],
    ['a"`b', 'a key name with a backquote and one of ", = or :'],
    ['`a"', 'a key name with a backquote and one of ", = or :'],
    ["k ", "a key name that starts or ends with white space"],
    [" k", "a key name that starts or ends with white space"],
    ["k\u0085", "a key name that starts or ends with white space"],
    ["\u00a0k", "a key name that starts or ends with white space"],
    ["k\v", "a key name that starts or ends with white space"],
    ["#k", "a key name starting with #, ; or ["],
    [";k", "a key name starting with #, ; or ["],
    ["[k", "a key name starting with #, ; or ["],
    ["-", 'the key name "-"'],
    ["a\nb", "a key name with a line break"],
    ["", "an empty key name"],
  ])("should refuse to write %j, which sops cannot read back, naming its position only", (key, why) => {
    const b = map([entry("sect", map([entry("ok", str("secret-value")), entry(key, str("secret-value"))]))])
    const err = errorOf(() => iniFormat.emit([b]))
    expect(err.code).toBe("FORMAT")
    expect(err.message.startsWith(`ini: section "sect", key 2: cannot write ${why}`)).toBe(true)
    expect(err.message).not.toContain("secret-value")
    if (key.trim().length > 1) expect(err.message).not.toContain(key.trim())
  })

  it("should refuse a section name go-ini cannot read back", () => {
    expect(errorOf(() => iniFormat.emit([map([entry("a\nb", map([]))])])).message).toBe(
      "ini: section 1: cannot write a section name with a line break",
    )
    expect(errorOf(() => iniFormat.emit([map([entry("", map([]))])])).message).toBe(
      "ini: section 1: cannot write an empty section name",
    )
  })

  it("should write the names sops can round-trip and read them back unchanged", () => {
    for (const key of [...SOPS_KEYS, "a\rb", "-x", "x-", "a]b", "k\ufeff"]) {
      const written = dec(iniFormat.emit([one(key)]))
      expect(keysOf(section(parse(written), "s")), JSON.stringify(key)).toEqual([key])
    }
  })

  it.each([
    ['"a', "FORMAT f.ini:1: missing closing key quote"],
    ["`a` b", 'FORMAT f.ini:1: key-value delimiter "=" not found'],
    ['"" = 1', "FORMAT f.ini:1: empty key name"],
    ["`  ` = 1", "FORMAT f.ini:1: empty key name"],
    [": 1", "FORMAT f.ini:1: empty key name"],
    ["[]", "FORMAT f.ini:1: empty section name"],
  ])("should refuse the name in %j as go-ini does", (text, message) => {
    const err = errorOf(() => parse(text))
    expect(`${err.code} ${err.message}`).toBe(message)
  })

  it("should read section headers up to the last ], untrimmed, as go-ini does", () => {
    expect(parse("[ a]b ]\nk = v\n").items.map((i) => (i.kind === "entry" ? i.key : ""))).toEqual([
      "DEFAULT",
      " a]b ",
    ])
  })
})

describe("INI values as go-ini reads them", () => {
  it("should cut inline comments before unquoting, close fences at their last quote, and join continued lines", () => {
    // Each value as `sops decrypt --output-type json` gave it for this text.
    const text =
      '[v]\na = "x # y"\nb = "a"b"\nc = `a` b`\nd = one \\\n  two\\\n three\ne = """a"""b"""\n' +
      'f = """multi\nline""" ; after\ng = \'q\' # c\nh = x\ufeff\ni = """\nj\nk"""\n'
    const v = section(parse(text), "v")
    expect(valuesOf(v)).toEqual({
      a: '"x',
      b: '"a"b"',
      c: "a` b",
      d: "one twothree",
      e: 'a"""b',
      f: "multi\nline",
      g: "q",
      h: "x\ufeff",
      i: "\nj\nk",
    })
  })

  it('should take """ alone as a fence only before a line break, as go-ini does', () => {
    expect(section(parse('[v]\nk = """'), "v").items).toEqual([entry("k", str('"""'))])
    expect(errorOf(() => parse('[v]\nk = """\n')).message).toBe('f.ini:2: unterminated """ value')
  })

  it("should quote a value with a trailing U+0085 (white space to Go) and not one with U+FEFF", () => {
    expect(
      dec(iniFormat.emit([map([entry("s", map([entry("a", str("x\u0085")), entry("b", str("x\ufeff"))]))])])),
    ).toBe('[s]\na = "x\u0085"\nb = x\ufeff\n')
  })
})
