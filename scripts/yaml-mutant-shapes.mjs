// Writes test/fixtures/yaml-gap/mutant-shapes.sops-3.13.2.json: what sops 3.13.2 (go-yaml v3) makes
// of the smallest inputs that tell the YAML readers' surviving mutants apart from the source (the
// sixth session's changed-lines run, README "formats changed"): comments inside and after flow
// collections, ` #` inside quotes, aliases with their own comment, tagged empty keys, runs after an
// empty list item, after a value's line comment, below an indented top-level map or a `...`, and
// U+2028 in block and multi-line scalars. `sealed` is sops' `encrypt` layout with the values and
// comments in the clear (scripts/sops-comment-placement.mjs); `refused` marks the inputs where that
// layout cannot be told (sops refuses the input, or its sealed comments do not come back one for
// one). `encrypted` is sops' whole sealed file (values in the clear, comments sealed with the age
// key of test/fixtures/age) and `opened` its `decrypt` of that file.
// Usage: SOPS=<sops 3.13.2> node scripts/yaml-mutant-shapes.mjs [out.json]
import { writeFileSync } from "node:fs"
import { sopsCommentPlacement } from "./sops-comment-placement.mjs"

const out = process.argv[2] ?? "test/fixtures/yaml-gap/mutant-shapes.sops-3.13.2.json"
const { sealed, files, cleanup } = sopsCommentPlacement("yaml-mutant-shapes-")

const L = "\u2028"
const INPUTS = [
  // yaml-read.ts: comments of flow values and aliases.
  ["an alias of a flow map with its own line comment", "a: &m {x: 1}\nb: *m # f\n"],
  ["a quoted ' #' then a line comment", 'a: "x #y" # c\n'],
  ["a quoted ' #' then a comment below", 'a: "x #y"\n  # d\nb: 1\n'],
  ["an empty flow list with a comment inside", "a: [ # c\n  ]\n"],
  ["an empty flow list with a comment line inside", "a: [\n  # c\n  ]\n"],
  ["a flow map with a quoted ' #' and a line comment", 'a: {x: "p #q"} # e\n'],
  ["an empty flow map with comments inside and after", "a: { # c\n  } # x\n"],
  ["an empty flow map with comments inside, after and below", "a: { # c\n  } # x\n  # d\nb: 1\n"],
  // yaml-read.ts: U+2028 in scalars other than one-line quoted ones.
  ["U+2028 in a folded block", `a: >\n  x${L}  y\n`],
  ["U+2028 in a multi-line double-quoted scalar", `a: "x${L}  y\n  z"\n`],
  ["U+2028 in a literal block below a blank line", `a: |\n\n  x${L}  y\n`],
  ["U+2028 in a literal block below a short blank line", `a: |\n \n  x${L}  y\n`],
  ["U+2028 alone in a literal block", `a: |\n  ${L}\n`],
  ["two U+2028 in a literal block", `a: |\n  x${L}  y${L}  z\n`],
  // yaml-cst-read.ts: U+2028 with blanks in single quotes.
  ["U+2028 and a blank in single quotes", `a: 'x${L} y'\n`],
  // yaml-gap-tree.ts: keys and flow content the tree walk meets before a run.
  ["a tagged empty first key with a comment below", "!!str :\n  # c\n"],
  ["a tagged empty first key with a value and a comment", "!!str : 1\n# c\n"],
  ["an explicit key with only a tag", "? !!str\nb: 1\n# c\n"],
  ["a tagged empty later key", "a: x\n!!str :\n# c\n"],
  ["a flow pair with only a colon before a run", "a:\n  b:\n    k: [x:]\n  # c1\n# c0\nz: 9\n"],
  ["a block scalar's header comment before a run", "k:\n  b: | # h\n\n  # c"],
  ["a comment inside a multi-line flow before a run", "k:\n  a: [1, # i\n    2]\n# c0\n  # c4\n"],
  ["a tagged empty key in a flow list", "a: [!!str : 1]\n# c\n"],
  ["a flow pair's value comment before a run", "a:\n  b:\n    k: [x: 1 # c\n      ]\n  # c1\n# c0\nz: 9\n"],
  // yaml-gap-tree.ts: where a run is placed, or left.
  ["a run after an empty list item", "a:\n  b:\n    -\n  # c2\n# c0\ne: 3\n"],
  ["a run after a nested list's last item", "a:\n  b:\n    - 1\n  # c2\n# c0\ne: 3\n"],
  ["a run after a nested list's null item", "a:\n  b:\n    - ~\n  # c2\n# c0\ne: 3\n"],
  ["a deeper run after an empty list item", "a:\n  b:\n    -\n      # c6\n  # c2\n# c0\ne: 3\n"],
  ["a run after a second, empty list item", "a:\n  b:\n    - 1\n    -\n  # c2\ne: 3\n"],
  ["a run at the list's column after an empty item", "a:\n  b:\n    -\n\n    # c4\n# c0\ne: 3\n"],
  ["a run after an empty item of a top-level key's list", "a:\n  -\n  # c2\nb: 1\n"],
  ["a run after an empty list item before a key of its map", "a:\n  b:\n    -\n  # c2\n  c: 3\n"],
  ["a run after an anchor with no value", "a:\n  b:\n    k: &x\n  # c2\n# c0\ne: 3\n"],
  ["a run after a tag with no value", "a:\n  b:\n    k: !!str\n  # c2\n# c0\ne: 3\n"],
  ["a run after a list item of an anchor alone", "a:\n  b:\n    - &x\n  # c2\n# c0\ne: 3\n"],
  ["a run after an explicit key with no value", "a:\n  b:\n    ? k\n  # c2\n# c0\ne: 3\n"],
  ["a run after a value with its line comment", "a:\n  b:\n    c: 1 # x\n  # c2\n# c0\ne: 3\n"],
  ["a run then a last value with its line comment", "a:\n  b:\n    c: 1 # x\n  # c2\n# c0\ne:\n  f: 1 # x\n"],
  ["a tab-indented comment in a run", "a:\n  b:\n    c: 1\n  \t# c2\n# c0\ne: 3\n"],
  ["a tab-indented comment after a line comment", "a:\n  b:\n    c: 1 # x\n  \t# c2\n# c0\ne: 3\n"],
  ["a run at the end of an indented top-level map", "  a:\n    b: 1\n  # x\n"],
  ["a run after a blank line at the end of an indented map", "  a:\n    b: 1\n\n    # x\n"],
  ["a run after a list at its key's column", "a:\n  b:\n  - 1\n  # c2\n# c0\ne: 3\n"],
  ["a run at the end after a list at column 0", "a:\n- b: 1\n# c\n"],
  ["a run after a list at its key's column, at the end", "a:\n  b:\n  - 1\n  # c2\n# c0\n"],
  ["a run after a list at its key's column, before its map's key", "a:\n  b:\n  - 1\n  # c2\n  c: 3\n"],
  ["a run after a list of maps at its key's column", "a:\n  b:\n  - x: 1\n    y: 2\n  # c2\n# c0\ne: 3\n"],
  ["a deeper run after a list at its key's column", "a:\n  b:\n  - 1\n    # c4\n   # c3\n# c0\ne: 3\n"],
  ["a run after a top-level list at its key's column", "a:\n- 1\n  # c2\n# c0\ne: 3\n"],
  ["a run after a nested list at its key's column", "a:\n  b:\n    c:\n    - 1\n    # c4\n  # c2\ne: 3\n"],
  ["a run before a document end marker after a list", "a:\n  b:\n  - 1\n  # c2\n# c0\n...\n"],
  ["a run before a document end marker, deeper", "a:\n  b:\n    c: 1\n      # c6\n    # c4\n...\n"],
  ["a run before a document end marker", "a:\n  b:\n    c: 1\n  # c2\n# c0\n...\n"],
  ["a run before a list item that is a map", "x:\n  - a: 1\n    # c1\n   # c2\n  - b: 2\n"],
  [
    "a run before a list item that is a map of two keys",
    "x:\n  - a: 1\n    # c1\n   # c2\n  - b: 2\n    d: 3\n",
  ],
  [
    "a run before a list item that is a map with a nested value",
    "x:\n  - a: 1\n    # c1\n   # c2\n  - b:\n      c: 1\n",
  ],
  ["a run before a list item that is a list", "x:\n  - a: 1\n    # c1\n   # c2\n  - - 2\n"],
  [
    "a run before a list item that is a list of maps",
    "x:\n  - a: 1\n    # c1\n   # c2\n  - - b: 2\n      c: 3\n",
  ],
  // yaml-line-read.ts: a run before a key of the value's enclosing map.
  ["a run before a key of the enclosing map", "a:\n  b:\n    c: 1\n  # x\n  d: 2\n"],
]

const cases = []
for (const [name, input] of INPUTS) {
  const layout = sealed(input)
  cases.push({ name, input, ...(layout === null ? { refused: true } : { sealed: layout }), ...files(input) })
}
cleanup()
writeFileSync(out, `${JSON.stringify(cases, null, 1)}\n`)
console.log(`${cases.length} cases, ${cases.filter((c) => c.refused).length} refused by sops`)
