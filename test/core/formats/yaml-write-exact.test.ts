import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { parseJson } from "../../../src/formats/json-parse.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { yamlFormat } from "../../../src/formats/yaml.js"
import {
  bool,
  bytes,
  comment,
  entry,
  float,
  int,
  list,
  map,
  nul,
  str,
  time,
  type Branch,
  type TreeNode,
} from "../../../src/tree/node.js"

// The YAML writer against sops 3.13.2 (go-yaml v3), byte for byte (issue 8, mutation testing):
// every quoting choice for several hundred strings as values and keys (fixture: the JSON given
// to `sops encrypt`, and what `sops decrypt --output-type yaml` wrote for it), go-yaml's escapes,
// literal block headers, comments and the layout of nested collections.

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/yaml-write/${name}`, import.meta.url), "utf8")
const one = (value: TreeNode, best = 4): string => writeYaml([map([entry("v", value)])], best)

describe("writeYaml against sops 3.13.2", () => {
  it("should quote several hundred strings, as values and as keys, exactly as sops does", () => {
    const tree = parseJson(fixture("quoting.json"), "quoting.json") as Branch
    expect(writeYaml([tree])).toBe(fixture("quoting.sops-out.yaml"))
  })

  // Regression (sealbridge wrote these plain or with other escapes): go-yaml prints only
  // printable ASCII, U+00A0-U+D7FF and U+E000-U+FFFD without U+FEFF as they are.
  it.each<[string, string, string]>([
    ["NEL", "a\u0085b", '"a\\Nb"'],
    ["a byte-order mark inside", "a\ufeffb", '"a\\uFEFFb"'],
    [
      "a leading byte-order mark (every character escaped)",
      "\ufeffa b\u00e9\u00a0",
      '"\\uFEFF\\x61\\x20\\x62\\xE9\\_"',
    ],
    ["a character beyond the BMP", "😀", '"\\U0001F600"'],
    ["U+FFFE", "\ufffe", '"\\uFFFE"'],
    ["U+FFFF", "\uffff", '"\\uFFFF"'],
    [
      "U+00FF and U+0100 after a leading byte-order mark",
      "\ufeff\u00ff\u0100x",
      '"\\uFEFF\\xFF\\u0100\\x78"',
    ],
    ["C1 controls", "a\u0080b\u009f", '"a\\x80b\\x9F"'],
    [
      "C0 controls with short escapes",
      "\u0000\u0007\u0008\u000b\u000c\u001b\u007f\u0001",
      '"\\0\\a\\b\\v\\f\\e\\x7F\\x01"',
    ],
    ["a no-break space", "a\u00a0b", "a\u00a0b"],
    ["the printable ranges' edges", "é€\ufffd\ue000\ud7ff\u00a0x", "é€\ufffd\ue000\ud7ff\u00a0x"],
    ["a tab", "a\tb", '"a\\tb"'],
    ["quotes and a backslash", 'it\'s "q" \\ x', 'it\'s "q" \\ x'],
    ["a double quote to escape", '"q"\t', '"\\"q\\"\\t"'],
    ["a backslash to escape", "\\\t", '"\\\\\\t"'],
    ["a break after a control", "\u0001\n", '"\\x01\\n"'],
    ["a value <<, with its merge tag", "<<", "!!merge <<"],
    ["a value <<x", "<<x", "<<x"],
  ])("should write %s as sops does", (_, value, text) => {
    expect(one(str(value))).toBe(`v: ${text}\n`)
    expect(writeYaml([map([entry("l", list([str(value)]))])])).toBe(`l:\n    - ${text}\n`)
  })

  it("should read back each of those as the string it was (a value !!merge << as sops reads it: <<)", () => {
    const values = [
      "<<",
      "😀",
      "a\u0085b",
      "\ufeffa b\u00e9\u00a0",
      "\u0000\u0007\u0008\u000b\u000c\u001b\u007f",
    ]
    for (const v of [
      ...values,
      "a\tb\nc",
      "a\u0080\u009f",
      "\ufffe",
      "a\u00a0\ufeffb",
      "\ta\nb",
      "\ufeffa\nb",
    ]) {
      const tree = map([entry("a", str(v)), entry("l", list([str(v)]))])
      const text = writeYaml([tree])
      expect(yamlFormat.parse(new TextEncoder().encode(text), "f.yaml")).toEqual([tree])
    }
    const read = (t: string) => yamlFormat.parse(new TextEncoder().encode(t), "f.yaml")
    expect(read("a: !!merge <<\nb:\n    - !!merge <<\n    - <<\n")).toEqual([
      map([entry("a", str("<<")), entry("b", list([str("<<"), str("<<")]))]),
    ])
  })

  it("should write the key << with its merge tag, as sops does", () => {
    expect(writeYaml([map([entry("<<", str("<<"))])])).toBe("!!merge <<: !!merge <<\n")
  })

  it.each<[string, string, string]>([
    ["a tab inside", "a\tb\nc", "|-\n    a\tb\n    c\n"],
    ["NEL", "a\u0085\nb", '"a\\N\\nb"\n'],
    ["a character beyond the BMP", "😀\nb", '"\\U0001F600\\nb"\n'],
    ["a leading byte-order mark", "\ufeffa\nb", '"\\uFEFF\\x61\\n\\x62"\n'],
    // sops writes `null` here (go-yaml's literal cannot start with a tab): double quotes keep it.
    ["a leading tab", "\ta\nb", '"\\ta\\nb"\n'],
  ])("should write a multi-line string with %s as sops does", (_, value, text) => {
    expect(one(str(value))).toBe(`v: ${text}`)
  })
})

describe("writeYaml layout", () => {
  it("should write a literal block's header and lines as go-yaml does", () => {
    expect(one(str("a\nb"))).toBe("v: |-\n    a\n    b\n")
    expect(one(str("a\nb\n"))).toBe("v: |\n    a\n    b\n")
    expect(one(str("a\nb\n\n"))).toBe("v: |+\n    a\n    b\n\n")
    expect(one(str("\n"))).toBe("v: |4+\n\n")
    expect(one(str("\na"))).toBe("v: |4-\n\n    a\n")
    expect(one(str(" a\nb"), 2)).toBe("v: |2-\n   a\n  b\n")
    expect(one(str("a\n\nb"))).toBe("v: |-\n    a\n\n    b\n")
    expect(one(str("a \nb"))).toBe('v: "a \\nb"\n')
    expect(one(str("a\nb "))).toBe('v: "a\\nb "\n')
    expect(one(str("a\n b"))).toBe("v: |-\n    a\n     b\n")
    expect(one(str("a\rb\nc"))).toBe('v: "a\\rb\\nc"\n')
    expect(one(list([str("x\ny")]))).toBe("v:\n    - |-\n      x\n      y\n")
    expect(writeYaml([map([entry("a", map([entry("b", str("x\ny"))]))])], 2)).toBe(
      "a:\n  b: |-\n    x\n    y\n",
    )
  })

  it("should write every scalar kind", () => {
    expect(one(nul())).toBe("v: null\n")
    expect(one(bool(true))).toBe("v: true\n")
    expect(one(bool(false))).toBe("v: false\n")
    expect(one(int(-12n))).toBe("v: -12\n")
    expect(one(float(1.5))).toBe("v: 1.5\n")
    expect(one(float(1e21))).toBe("v: 1e+21\n")
    expect(one(time("2024-01-02T00:00:00Z"))).toBe("v: 2024-01-02T00:00:00Z\n")
    expect(one(bytes(Buffer.from("a\u0001")))).toBe('v: "a\\x01"\n')
    expect(one(str(""))).toBe('v: ""\n')
  })

  it("should nest maps and sequences, empty ones inline, a sequence's maps two columns in", () => {
    const tree = map([
      entry(
        "a",
        list([list([int(1n), list([int(2n)])]), list([]), map([]), map([entry("b", list([map([])]))])]),
      ),
      entry("c", map([])),
      entry("d", list([])),
      entry("e", map([entry("f", map([entry("g", int(3n))]))])),
    ])
    expect(writeYaml([tree])).toBe(
      [
        "a:",
        "    - - 1",
        "      - - 2",
        "    - []",
        "    - {}",
        "    - b:",
        "        - {}",
        "c: {}",
        "d: []",
        "e:",
        "    f:",
        "        g: 3",
        "",
      ].join("\n"),
    )
    expect(writeYaml([tree], 2)).toBe(
      "a:\n  - - 1\n    - - 2\n  - []\n  - {}\n  - b:\n      - {}\nc: {}\nd: []\ne:\n  f:\n    g: 3\n",
    )
    expect(writeYaml([tree], 3)).toBe(
      "a:\n   - - 1\n     - - 2\n   - []\n   - {}\n   - b:\n      - {}\nc: {}\nd: []\ne:\n   f:\n      g: 3\n",
    )
  })

  it("should write documents apart, an empty one as {}", () => {
    expect(writeYaml([map([entry("a", int(1n))]), map([]), map([entry("b", int(2n))])])).toBe(
      "a: 1\n---\n{}\n---\nb: 2\n",
    )
    expect(writeYaml([])).toBe("")
  })

  it("should write comments above their item, each further line at the same column", () => {
    const tree = map([
      comment(" top"),
      entry("a", map([comment(" one\ntwo\n#three"), entry("b", int(1n))])),
      entry("l", list([comment(" first"), str("x"), comment("mid"), map([entry("k", int(1n))])])),
      entry("m", list([map([comment(" in"), entry("k", int(2n))])])),
    ])
    expect(writeYaml([tree])).toBe(
      [
        "# top",
        "a:",
        "    # one",
        "    # two",
        "    #three",
        "    b: 1",
        "l:",
        "    # first",
        "    - x",
        "    #mid",
        "    - k: 1",
        "m:",
        "    - # in",
        "      k: 2",
        "",
      ].join("\n"),
    )
  })

  it("should keep line comments on their value's line, and above a block value", () => {
    const tree = map([
      comment(" c1", true),
      entry("a", str("x")),
      comment(" c2", true),
      comment(" c3", true),
      entry("b", int(1n)),
      comment(" c4", true),
      entry("c", str("l1\nl2")),
      comment(" c5", true),
      entry("d", map([entry("e", int(1n))])),
      comment(" c6", true),
    ])
    expect(writeYaml([tree])).toBe(
      [
        "a: x # c1",
        "# c2",
        "b: 1 # c3",
        "# c4",
        "c: |-",
        "    l1",
        "    l2",
        "# c5",
        "d:",
        "    e: 1",
        "# c6",
        "",
      ].join("\n"),
    )
    const nested = map([entry("a", map([comment(" x", true), entry("b", str("y\nz"))]))])
    expect(writeYaml([nested])).toBe("a:\n    # x\n    b: |-\n        y\n        z\n")
  })

  // Each checked against sops 3.13.2 (`sops decrypt` of a file it sealed from these values; the
  // floats with --ignore-mac, as sops cannot verify its own .nan): survivors of the ywrite run.
  it("should quote base-60-looking strings and escape U+2029 as go-yaml does", () => {
    expect(["a1:20", "1:5", "1:20.12", "1:20.", "a \u2029b"].map((s) => one(str(s)))).toEqual([
      "v: a1:20\n",
      'v: "1:5"\n',
      'v: "1:20.12"\n',
      'v: "1:20."\n',
      'v: "a \\Pb"\n',
    ])
  })

  it("should write infinities, NaN and small floats in go-yaml's spelling", () => {
    expect([Infinity, -Infinity, NaN, 1e-7].map((f) => one(float(f)))).toEqual([
      "v: .inf\n",
      "v: -.inf\n",
      "v: .nan\n",
      "v: 1e-07\n",
    ])
  })

  it("should write a complex key's map value at its own column when nested, and an empty list after it", () => {
    const k = "k".repeat(129)
    expect(writeYaml([map([entry("outer", map([entry(k, map([entry("b", int(1n))]))]))])])).toBe(
      `outer:\n    ? ${k}\n    :   b: 1\n`,
    )
    expect(writeYaml([map([entry(k, list([])), entry("z", int(1n))])])).toBe(`? ${k}\n: []\nz: 1\n`)
  })

  // sops 3.13.3 (test/cli/list-comments.test.ts has its files): a list left with comments only.
  it("should write a list of comments only as [] with the comments after it, or above it in a list", () => {
    expect(writeYaml([map([entry("l", list([comment(" d")])), entry("z", int(1n))])])).toBe(
      "l: []\n# d\nz: 1\n",
    )
    expect(writeYaml([map([entry("n", map([entry("l", list([comment(" d"), comment(" e")]))]))])])).toBe(
      '"n":\n    l: []\n    # d\n    # e\n',
    )
    expect(writeYaml([map([entry("l", list([list([comment(" c")]), str("y")]))])])).toBe(
      'l:\n    # c\n    - []\n    - "y"\n',
    )
    expect(writeYaml([map([entry("l", list([list([list([comment(" c")]), str("z")])]))])])).toBe(
      "l:\n    - # c\n      - []\n      - z\n",
    )
  })

  it("should copy an end-of-line comment as it is, $ patterns included", () => {
    expect(writeYaml([map([comment(" $& $' $1 y", true), entry("a", int(1n))])])).toBe("a: 1 # $& $' $1 y\n")
  })
})
