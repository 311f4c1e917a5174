import { describe, expect, it } from "vitest"
import { FormatError } from "../../../src/errors.js"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { float, map, nul, str, time, type Branch } from "../../../src/tree/node.js"
import { c, doc, e, i, inl, l, m } from "../../helpers/tree-shorthand.js"
import { errorOf } from "../../helpers/error-of.js"

// The document-model YAML reader (yaml-read.ts) word for word (issue 8, mutation testing): where
// each comment goes, how each scalar is typed, anchors and merge keys, empty documents, and every
// error with its exact message and line. The CST reader must give the same tree or hand over.

const read = (text: string): Branch[] => readYaml(text, "t.yaml")

// [text, the branches, whether the CST reader takes it (else it must hand over: null)]
const layouts: [string, string, Branch[], boolean][] = [
  // Comments of the document and its root.
  ["a comment with a blank line before the root", "# top\n\na: 1\n", doc(c(" top"), e("a", i(1))), true],
  ["comments with blank lines between", "# a\n\n# b\n\nk: 1\n", doc(c(" a"), c(" b"), e("k", i(1))), true],
  ["a comment on the document start", "--- # d\na: 1\n", doc(c(" d"), e("a", i(1))), false],
  ["a comment after the root", "a: 1\n\n# end\n", doc(e("a", i(1)), c(" end")), true],
  [
    "comments after the root with a blank line",
    "k: 1\n# a\n\n# b\n",
    doc(e("k", i(1)), c(" a"), c(" b")),
    true,
  ],
  [
    "a flow root's line comment, above it as sops writes it",
    "{a: 1} # c\n  # d\n# e\n",
    doc(c(" c"), e("a", i(1)), c(" d"), c(" e")),
    false,
  ],
  // A value's line comment (inline) and the comments below it (its foot).
  [
    "a line comment and two below",
    "a: 1 # line\n  # below1\n  # below2\nb: 2\n",
    doc(inl(" line"), e("a", i(1)), c(" below1"), c(" below2"), e("b", i(2))),
    true,
  ],
  ["a comment below only", "a: 1\n  # below\nb: 2\n", doc(e("a", i(1)), c(" below"), e("b", i(2))), true],
  ["a lone # at the end of a text without a line break", "a: 1 #", doc(inl(""), e("a", i(1))), true],
  ["a comment at the end of a text without a line break", "a: 1 #c", doc(inl("c"), e("a", i(1))), true],
  ["a lone # between CRLF lines", "a: 1\r\n#\r\nb: 2\r\n", doc(e("a", i(1)), c(""), e("b", i(2))), true],
  [
    "comments that look like the lone-# mark",
    "#\n#\ue000\n#\ue000\ue000\na: 1\n",
    doc(c(""), c("\ue000"), c("\ue000\ue000"), e("a", i(1))),
    true,
  ],
  // Comments before a value on the lines between it and its key.
  ["a comment before a scalar value", "a:\n  # c\n  b\n", doc(c(" c"), e("a", str("b"))), false],
  ["a comment after an explicit key", "? a # kc\n: b\n", doc(c(" kc"), e("a", str("b"))), false],
  ["a comment on the key's line of a map", "a: # k\n  b: 1\n", doc(c(" k"), e("a", m(e("b", i(1))))), true],
  ["spaces before the key's line comment", "a:   # k\n  b: 1\n", doc(c(" k"), e("a", m(e("b", i(1))))), true],
  [
    "a key line comment and two more before the map",
    "a: # k\n  # c1\n  # c2\n  b: 1\n",
    doc(c(" k"), e("a", m(c(" c1"), c(" c2"), e("b", i(1))))),
    true,
  ],
  ["a comment before a map", "a:\n  #c\n  b: 1\n", doc(e("a", m(c("c"), e("b", i(1))))), true],
  [
    "a comment on the value indicator's line",
    "? a\n: #c\n  b: 1\n",
    doc(e("a", m(c("c"), e("b", i(1))))),
    false,
  ],
  ["a comment before a list", "a:\n  # c\n  - 1\n", doc(e("a", l(c(" c"), i(1)))), true],
  ["a comment on the key's line of a list", "a: # k\n  - 1\n", doc(c(" k"), e("a", l(i(1)))), true],
  ["a comment after a nested map", "a:\n  b: 1\n  # in\n", doc(e("a", m(e("b", i(1)), c(" in")))), true],
  // Lists.
  ["a list item's line comment", "a:\n  - a # c\n  - b\n", doc(e("a", l(c(" c"), str("a"), str("b")))), true],
  [
    // At the end of the document it ends the list too: sops 3.13.2 writes `a:\n    - x: 1\n# c\n`.
    "a comment below a list's last map",
    "a:\n  - x: 1\n  # c\n",
    doc(e("a", l(m(e("x", i(1))))), c(" c")),
    true,
  ],
  [
    "a comment below a list's last scalar",
    "a:\n  - x\n  # d\nb: 1\n",
    doc(e("a", l(str("x"), c(" d"))), e("b", i(1))),
    true,
  ],
  [
    "comments before and after a list's scalar",
    "a:\n  # c\n  - x\n  # d\n",
    doc(e("a", l(c(" c"), str("x"), c(" d")))),
    true,
  ],
  [
    "a comment below a nested list",
    "a:\n  - - 1\n    # c\n  - 2\n",
    doc(e("a", l(l(i(1), c(" c")), i(2)))),
    true,
  ],
  [
    "a comment below a list's last flow list",
    "a:\n  - [x]\n  # d\n",
    doc(e("a", l(l(str("x")), c(" d")))),
    false,
  ],
  [
    "a flow list item's line comment and one below",
    "a:\n  - [1] # x\n    # below\n  - 2\n",
    doc(e("a", l(c(" x"), l(i(1)), c(" below"), i(2)))),
    false,
  ],
  ["a comment before a map item", "a:\n  - # c\n    b: 1\n", doc(e("a", l(c(" c"), m(e("b", i(1)))))), true],
  ["a line comment in a list's map", "a:\n  - b: 1 # x\n", doc(e("a", l(m(inl(" x"), e("b", i(1)))))), true],
  // Flow collections: their comments are their parent's to place.
  ["a comment in a flow list", "a: [1, # c\n  2]\n", doc(e("a", l(c(" c"), i(1), i(2)))), false],
  [
    "a comment in a flow map",
    "a: {x: 1, # c\n  y: 2}\n",
    doc(e("a", m(inl(" c"), e("x", i(1)), e("y", i(2))))),
    false,
  ],
  [
    // First inside the map, where sops 3.13.2 writes it (`a:\n    # x\n    x: 1`).
    "a flow map's line comment",
    "a: {x: 1} # x\nb: 1\n",
    doc(e("a", m(c(" x"), e("x", i(1)))), e("b", i(1))),
    false,
  ],
  [
    "a comment below a flow map",
    "a: {x: 1}\n  # below\nb: 1\n",
    doc(e("a", m(e("x", i(1)))), c(" below"), e("b", i(1))),
    false,
  ],
  ["a single-pair map in a flow list", "a: [b: 1]\n", doc(e("a", l(m(e("b", i(1)))))), false],
  // Values that are not there.
  ["an explicit key without a value", "x: 1\n? a\n", doc(e("x", i(1)), e("a", nul())), false],
  ["a flow map key without a value", "a: {b}\n", doc(e("a", m(e("b", nul())))), false],
  ["an empty value", "a:\n", doc(e("a", nul())), false],
]

describe("YAML document reader: comments and structure", () => {
  it.each(layouts)("%s", (_name, text, want, cst) => {
    expect(read(text)).toEqual(want)
    expect(readYamlCst(text)).toEqual(cst ? want : null)
  })

  it("should make every lone # the empty comment wherever it stands, and leave the others", () => {
    const text =
      "a:\n  #\n  # x\n  b:\n    - #\n    - 1 #\n    - # y\n      c: 2\n      #\n    - - 3\n      #\n      # w\n    - [4] #\n#\n# z\n"
    expect(read(text)).toEqual(
      doc(
        e(
          "a",
          m(
            c(""),
            c(" x"),
            e(
              "b",
              l(
                c(""),
                nul(),
                c(""),
                i(1),
                c(" y"),
                m(e("c", i(2)), c("")),
                l(i(3), c(""), c(" w")),
                c(""),
                l(i(4)),
              ),
            ),
          ),
        ),
        c(""),
        c(" z"),
      ),
    )
    const nested = "a:\n  - - 1\n    #\n    # x\n  - k: v\n    #\n"
    const want = doc(e("a", l(l(i(1), c(""), c(" x")), m(e("k", str("v")), c("")))))
    expect(read(nested)).toEqual(want)
    expect(readYamlCst(nested)).toEqual(want)
  })

  it("should read each document of a stream", () => {
    expect(read("a: 1\n---\nb: 2\n")).toEqual([map([e("a", i(1))]), map([e("b", i(2))])])
    expect(read("# a\n--- # b\n# c\n")).toEqual(doc(c(" a"), c(" b"), c(" c")))
    expect(read("")).toEqual([])
    expect(read("# only\n")).toEqual([])
  })
})

describe("YAML document reader: empty documents as sops reads them", () => {
  it.each<[string, Branch[]]>([
    ["---\n", doc()],
    ["--- !!null\n", doc()],
    ['--- !!null ""\n', doc()],
    ["--- ~\n", doc()],
    ["null\n", doc()],
    // Regression: sops keeps these comments (`# c` above `{}`); they were dropped.
    ["---\n# c\n", doc(c(" c"))],
    ["--- Null # c\n", doc(c(" c"))],
  ])("should read %j as an empty document", (text, want) => {
    expect(read(text)).toEqual(want)
  })

  // Regression: sops refuses a root that go-yaml reads as a string (it cannot unmarshal !!str
  // into a map); `--- ""` was read as an empty document, and `--- ~` and `null` refused.
  it.each(['--- ""\n', "--- !!str\n", "--- '~'\n", "--- !!null x\n", "--- x\n", "--- 9223372036854775808\n"])(
    "should refuse the scalar root %j",
    (text) => {
      expect(errorOf(() => read(text))).toBe(
        "FORMAT t.yaml:1: yaml documents must be mappings (sops does not support top-level sequences or scalars)",
      )
    },
  )
})

describe("YAML document reader: scalars, anchors and merge keys", () => {
  // `!!int 4` is the int 4, as sops 3.13.2 reads it (core tags: yaml-core-tags.test.ts).
  it("should type plain and core-tagged scalars, and keep other tagged and quoted ones as strings", () => {
    const text =
      "a: !!str 1\nb: !foo 2\nc: '3'\nd: !!int 4\ne: \"5\"\nf: 6\ng: ~\nh: |\n  7\ni: ! 8\nj: 1.5\nk: <<\n"
    expect(read(text)).toEqual(
      doc(
        e("a", str("1")),
        e("b", str("2")),
        e("c", str("3")),
        e("d", i(4)),
        e("e", str("5")),
        e("f", i(6)),
        e("g", nul()),
        e("h", str("7\n")),
        e("i", str("8")),
        e("j", float(1.5)),
        e("k", str("<<")),
      ),
    )
    expect(read("a: !!str\n")).toEqual(doc(e("a", str(""))))
    expect(read("a: '2001-12-14'\nb: !!str 2001-12-14\n")).toEqual(
      doc(e("a", str("2001-12-14")), e("b", str("2001-12-14"))),
    )
  })

  // Regression: the yaml package decodes !!binary itself, so the reader saw no text and sealed ""
  // (sops seals the decoded text: `b: hello`, `c: hello world`).
  it("should read a !!binary value as its decoded text", () => {
    expect(read("b: !!binary aGVsbG8=\nc: !!binary |\n  aGVsbG8g\n  d29ybGQ=\nd: [!!binary aGk=]\n")).toEqual(
      doc(e("b", str("hello")), e("c", str("hello world")), e("d", l(str("hi")))),
    )
  })

  // Regression: the yaml package makes a Date of !!timestamp whatever the schema, so the reader
  // saw no text and sealed "" (sops seals the time: 2001-12-14T00:00:00Z). A merge key written
  // as a value keeps its text.
  it("should read a !!timestamp value as the time it writes, and !!merge << as its text", () => {
    expect(read("a: !!timestamp 2001-12-14\nb: !!timestamp 2001-12-14 21:59:43.10\nc: !!merge <<\n")).toEqual(
      doc(e("a", time("2001-12-14T00:00:00Z")), e("b", time("2001-12-14T21:59:43.1Z")), e("c", str("<<"))),
    )
  })

  it("should expand aliases, scalars and collections alike", () => {
    expect(read("a: &x 1\nb: *x\n")).toEqual(doc(e("a", i(1)), e("b", i(1))))
    expect(read("a:\n  - &y [1, 2]\n  - *y\n")).toEqual(doc(e("a", l(l(i(1), i(2)), l(i(1), i(2))))))
    expect(read("a: &a [1]\nb: [*a, *a] # c\n")).toEqual(
      doc(e("a", l(i(1))), c(" c"), e("b", l(l(i(1)), l(i(1))))),
    )
  })

  it("should keep a merge key as the key << with its value expanded, as sops' store does", () => {
    expect(read("base: &b\n  x: 1\nm:\n  <<: *b\n  y: 2\n")).toEqual(
      doc(e("base", m(e("x", i(1)))), e("m", m(e("<<", m(e("x", i(1)))), e("y", i(2))))),
    )
    expect(read("m:\n  !!merge <<: {z: 1}\n")).toEqual(doc(e("m", m(e("<<", m(e("z", i(1))))))))
  })

  it("should take quoted keys as they are", () => {
    expect(read("'': 1\n\"1\": 2\n'~': 3\n'<<': 4\n")).toEqual(
      doc(e("", i(1)), e("1", i(2)), e("~", i(3)), e("<<", i(4))),
    )
  })
})

describe("YAML document reader: errors", () => {
  const KEYS = "map keys must be strings (sops cannot encrypt files with non-string keys); quote the key"
  it.each([
    ["- 1\n", "1: yaml documents must be mappings (sops does not support top-level sequences or scalars)"],
    [
      "# c\n\n- a\n",
      "3: yaml documents must be mappings (sops does not support top-level sequences or scalars)",
    ],
    [
      "a: 1\n---\n# c\nx\n",
      "4: yaml documents must be mappings (sops does not support top-level sequences or scalars)",
    ],
    ['a: 1\n"a\\"b": 2\n"a\\"b": 3\n', '3: duplicate key "a\\"b"'],
    ["a:\n  b: 1\n\n  b: 2\n", '4: duplicate key "b"'],
    ["1: a\n", `1: ${KEYS}`],
    ["~: 1\n", `1: ${KEYS}`],
    ["x: 1\nnull: 1\n", `2: ${KEYS}`],
    ["a:\n  b: 1\n  true: 1\n", `3: ${KEYS}`],
    ["? \n: v\n", `1: ${KEYS}`],
    // A lone # marks the comment tokens, among them a key the parser leaves null.
    ["#\n: v\n", `2: ${KEYS}`],
    ["a: {: v}\n", `1: ${KEYS}`],
    ["x: 1\n[a]: 1\n", `2: ${KEYS}`],
    ["{a: 1}: 2\n", `1: ${KEYS}`],
    ["x: 1\ny:\n  - 9223372036854775808\n", "3: integer does not fit in 64 bits (sops refuses it)"],
    ["x: 1\n\n9223372036854775808: 1\n", "3: integer does not fit in 64 bits (sops refuses it)"],
  ])("should refuse %j at its line", (text, want) => {
    expect(errorOf(() => read(text))).toBe(`FORMAT t.yaml:${want}`)
  })

  it("should give a syntax error's line and column, in the message and the error", () => {
    let err: unknown
    try {
      read("x: 1\na: ]secret\n")
    } catch (x) {
      err = x
    }
    expect(err).toBeInstanceOf(FormatError)
    const f = err as FormatError
    expect([f.message, f.line, f.column, f.source]).toEqual([
      "t.yaml:2:4: invalid yaml: Unexpected flow-seq-end token in YAML stream: …",
      2,
      4,
      "t.yaml",
    ])
    expect(errorOf(() => read("a: 1\n---\nb: [\n"))).toBe(
      "FORMAT t.yaml:4:1: invalid yaml: Flow sequence in block collection must be sufficiently indented and end with a ]",
    )
  })

  // An alias bomb is stopped by a budget of 10 nodes a character plus 10,000. This text builds
  // 13,580 nodes (1 + 11 + 121 + 1,221 + 12,221 + 5) and is 358 characters long: just within.
  const ten = (x: string): string => `[${Array.from({ length: 10 }, () => x).join(", ")}]`
  const bomb = (x: string, pad: number): string =>
    `s: &s 1\na: &a ${ten("1")}\nb: &b ${ten("*a")}\nc: &c ${ten("*b")}\nd: ${ten("*c")}\n` +
    `y1: 0\ny2: 0\ny3: 0\ny4: 0\nx: ${x}\n#${"p".repeat(pad)}\n`
  it("should build as many nodes as the alias budget allows, and stop at one more", () => {
    expect(bomb("22", 143)).toHaveLength(358)
    const tree = read(bomb("22", 143))
    expect(tree[0]?.items.length).toBe(11)
    // One node more: an alias of a scalar is two nodes where the two digits were one.
    expect(errorOf(() => read(bomb("*s", 143)))).toBe(
      "FORMAT t.yaml: invalid yaml: document contains excessive aliasing",
    )
  })

  // Aliases nest deeper than the text: 1,000 levels are built, the next is refused.
  const deep = (outer: number, inner: number): string =>
    `s: &s 1\na: &d ${"[".repeat(inner)}*s${"]".repeat(inner)}\nb: ${"[".repeat(outer)}*d${"]".repeat(outer)}\n`
  it("should build aliases 1,000 levels deep and refuse one more", () => {
    const tree = read(deep(498, 499))
    expect(tree[0]?.items.length).toBe(3)
    expect(errorOf(() => read(deep(499, 499)))).toBe("FORMAT t.yaml: yaml nesting too deep (alias loop?)")
  })
})
