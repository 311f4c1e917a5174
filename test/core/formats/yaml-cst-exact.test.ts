import { describe, expect, it } from "vitest"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { bool, nul, str, time, type Branch } from "../../../src/tree/node.js"
import { c, doc, e, i, inl, l, m } from "../../helpers/tree-shorthand.js"

// The CST YAML reader (yaml-cst-read.ts) word for word (issue 8, mutation testing): the block
// subset it reads, each with the exact tree (the document reader's too), and each shape outside
// it, which it must hand over (null) for the document reader to read or refuse.

describe("YAML CST reader: what it reads", () => {
  it.each<[string, string, Branch[]]>([
    ["blank lines before the document", "\n\na: 1\n", doc(e("a", i(1)))],
    ["no line break at the end", "a: 1", doc(e("a", i(1)))],
    ["no line break after a list item", "a:\n  - 'x'", doc(e("a", l(str("x"))))],
    ["an indented comment before the document", "  # c\n\na: 1\n", doc(c(" c"), e("a", i(1)))],
    ["an indented comment after the root", "a: 1\n# end\n  # x\n", doc(e("a", i(1)), c(" end"), c(" x"))],
    ["a comment before the root, no blank line", "# top\na: 1\n", doc(c(" top"), e("a", i(1)))],
    ["a comment before the root and a blank line", "# top\n\na: 1\n", doc(c(" top"), e("a", i(1)))],
    ["a comment after the root", "a: 1\n# end\n", doc(e("a", i(1)), c(" end"))],
    [
      "every plain and quoted type",
      "a: 1\nb: '1'\nc: \"x\"\nd: true\ne: ~\nf: 2001-02-03\n",
      doc(
        e("a", i(1)),
        e("b", str("1")),
        e("c", str("x")),
        e("d", bool(true)),
        e("e", nul()),
        e("f", time("2001-02-03T00:00:00Z")),
      ),
    ],
    ["block scalars", "a: |\n  x\nb: >-\n  y\n  z\n", doc(e("a", str("x\n")), e("b", str("y z")))],
    [
      "quoted keys that look typed",
      "'1': x\n\"~\": y\n'<<': z\n'': 0\n",
      doc(e("1", str("x")), e("~", str("y")), e("<<", str("z")), e("", i(0))),
    ],
    ["empty flow values", "a: []\nb: {}\n", doc(e("a", l()), e("b", m()))],
    ["empty flow list items", "a:\n  - []\n  - {}\n", doc(e("a", l(l(), m())))],
    ["a line comment", "a: 1 # c\nb: 2\n", doc(inl(" c"), e("a", i(1)), e("b", i(2)))],
    [
      "a line comment and ones below",
      "a: 'x' # c\n  # d\n  # e\nb: 2\n",
      doc(inl(" c"), e("a", str("x")), c(" d"), c(" e"), e("b", i(2))),
    ],
    ["a comment below only", "a: 1\n  # d\nb: 2\n", doc(e("a", i(1)), c(" d"), e("b", i(2)))],
    ["a comment on the key's line of a map", "a: # k\n  b: 1\n", doc(c(" k"), e("a", m(e("b", i(1)))))],
    [
      "a key line comment and more before the map",
      "a: # k\n  # c1\n  # c2\n  b: 1\n",
      doc(c(" k"), e("a", m(c(" c1"), c(" c2"), e("b", i(1))))),
    ],
    ["a comment before a nested map", "a:\n  # c\n  b: 1\n", doc(e("a", m(c(" c"), e("b", i(1)))))],
    ["a comment before a nested list", "a:\n  # c\n  - 1\n", doc(e("a", l(c(" c"), i(1))))],
    ["a comment on the key's line of a list", "a: # k\n  - 1\n", doc(c(" k"), e("a", l(i(1))))],
    [
      "list items with comments before, on and after them",
      "a:\n  # b\n  - x\n  - y # c\n  # d\n",
      doc(e("a", l(c(" b"), str("x"), c(" c"), str("y"), c(" d")))),
    ],
    [
      "a comment after a list's last map",
      "a:\n  - x: 1\n  # c\nb: 2\n",
      doc(e("a", l(m(e("x", i(1)), c(" c")))), e("b", i(2))),
    ],
    [
      "a comment after a list's last {}",
      "a:\n  - {}\n  # c\nb: 2\n",
      doc(e("a", l(m(), c(" c"))), e("b", i(2))),
    ],
    [
      "a comment after a nested list",
      "a:\n  - - 1\n    # c\n  - 2\n",
      doc(e("a", l(l(i(1), c(" c")), i(2)))),
    ],
    [
      "maps and lists in lists",
      "a:\n  - b: 1\n    c:\n      - 2\n  - - 3\n",
      doc(e("a", l(m(e("b", i(1)), e("c", l(i(2)))), l(i(3))))),
    ],
    ["a key of 1,024 characters", `${"k".repeat(1024)}: 1\n`, doc(e("k".repeat(1024), i(1)))],
  ])("%s", (_name, text, want) => {
    expect(readYamlCst(text)).toEqual(want)
    expect(readYaml(text, "t.yaml")).toEqual(want)
  })
})

describe("YAML CST reader: what it hands over", () => {
  it.each<[string, string]>([
    ["a tab", "a: x\ty\n"],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["a document end", "a: 1\n...\n"],
    ["a document start", "---\na: 1\n"],
    ["a tag on the root", "!!map\na: 1\n"],
    ["an anchor on the root", "&x\na: 1\n"],
    ["a comment before a document start", "# c\n---\na: 1\n"],
    ["nothing but a comment", "# only\n"],
    ["nothing", ""],
    ["a byte-order mark", "\ufeffa: 1\n"],
    ["a top-level list", "- a\n"],
    ["a top-level scalar", "x\n"],
    ["a flow root", "{a: 1}\n"],
    ["an empty key", ": v\n"],
    ["an explicit key", "? a\n: 1\n"],
    ["a key without a value indicator", "a: 1\nb\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a space before the value indicator", "a : 1\n"],
    ["a map on its key's line", "a: b: c\n"],
    ["a comment between key and scalar", "a: # c\n  b\n"],
    ["an empty flow value's comment", "a: [] # c\n"],
    ["a flow list closed as a map", "a: [}\n"],
    ["a flow map closed as a list", "a: {]\n"],
    ["an unclosed flow list", "a: ["],
    ["an unclosed flow map", "a: {"],
    ["a flow list with items", "a: [1]\n"],
    ["a flow list item with items", "a:\n  - [1]\n"],
    ["an empty list item", "a:\n  - 1\n  -\n"],
    ["an empty value", "a:\n"],
    ["a flow key", "[a]: 1\n"],
    ["a key over lines", '"a\n b": 1\n'],
    ["a key over 1,024 characters", `${"k".repeat(1025)}: 1\n`],
    ["a plain key that is no string", "1: x\n"],
    ["a null key", "~: x\n"],
    ["a merge key", "<<: 1\n"],
    ["a key out of range", "9223372036854775808: 1\n"],
    ["a block scalar header's comment", "a: | # c\n  x\n"],
    ["a comment right after a quoted value", 'a: "x"#c\n'],
    ["a value out of range", "a: 9223372036854775808\n"],
    ["a list item out of range", "a:\n  - 9223372036854775808\n"],
    ["a bad escape", 'a: "\\q"\n'],
    ["a tag", "a: !t x\n"],
    ["an anchor", "a: &x 1\n"],
    ["a key indented unlike its siblings", "k2:\n    k4:\n      k5: x\n  a: y\n"],
    // Maps in lists in maps, 502 levels (the document reader refuses more than 500).
    [
      "maps and lists nested deeper than 500 levels",
      Array.from({ length: 251 }, (_, n) => `${"  ".repeat(2 * n)}k:\n${"  ".repeat(2 * n + 1)}-`).join(
        "\n",
      ) + " x\n",
    ],
  ])("%s", (_name, text) => {
    expect(readYamlCst(text)).toBeNull()
  })
})
