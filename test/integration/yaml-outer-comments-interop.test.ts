import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ageTwins, sealedShape } from "./age-twins.js"

// Comments below a nested map at an outer indent (issue 8), through sealbridge and the real sops,
// small and ≥ 1 MiB (the one-pass sealer). sops places them with go-yaml v3's scanner rules
// (scannerc.go yaml_parser_scan_comments / unroll_indent): a run of comments after the innermost
// value is cut wherever a line is less indented than the innermost map and starts at another
// column, and at its first blank line; each map ends at the first piece at its own column, and a
// piece goes to the value, to the end of a map, or before the next key (src/formats/yaml-gap.ts
// follows that). Unit tests hold sops' outputs for more shapes: test/core/formats/yaml-gap.test.ts.
const twins = ageTwins("sealbridge-yaml-outer-")
const { sops, dir, ours, theirs, env } = twins

const pad =
  "pad:\n" +
  Array.from({ length: 40_000 }, (_, i) => `  k${String(i)}: value-${String(i)}-padding-x\n`).join("")

function both(name: string, text: string): void {
  for (const [suffix, body] of [
    ["", text],
    [".big", pad + text],
  ] as const) {
    const p = join(dir, `${name}${suffix}.yaml`)
    writeFileSync(p, body)
    const bySops = theirs(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(bySops.code, bySops.err).toBe(0)
    const mine = ours(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(mine.code, mine.err).toBe(0)
    expect(sealedShape(mine.out), `encrypt ${name}${suffix}`).toBe(sealedShape(bySops.out))
    const sealed = join(dir, `${name}${suffix}.sops.yaml`)
    writeFileSync(sealed, bySops.out)
    const opened = theirs(["decrypt", sealed], { env: env() })
    const ourOpen = ours(["decrypt", sealed], { env: env() })
    expect(ourOpen.code).toBe(opened.code)
    expect(ourOpen.out, `decrypt ${name}${suffix}`).toBe(opened.out)
  }
}

describe.skipIf(sops.skip)("sops interop: YAML comments below a nested map at an outer indent", () => {
  it.each([
    [
      "indent 2 before the next key, indent 0 before the next top key",
      "a:\n  b:\n    c: 1\n  # c2\n  d: 2\n# c0\ne: 3\n",
    ],
    ["indent 0 before the next top key", "a:\n  b:\n    c: 1\n# c0\ne: 3\n"],
    ["indent 0 at the end of the document", "a:\n  b:\n    c: 1\n# c0 end\n"],
    ["after a blank line", "a:\n  b:\n    c: 1\n\n  # c2\n  d: 2\n\n# c0\ne: 3\n"],
    ["at the inner indent before an outer key", "a:\n  b:\n    c: 1\n    # c4\ne: 3\n"],
    ["indents 4, 2, 0 at the end of the document", "a:\n  b:\n    c: 1\n    # c4\n  # c2\n# c0\n"],
    ["indent 2 then indent 0 before the next top key", "a:\n  b:\n    c: 1\n  # c2\n# c0\ne: 3\n"],
    ["indents 4 then 2 before the next key", "a:\n  b:\n    c: 1\n    # c4\n  # c2\n  d: 2\n"],
    [
      "indents 4, 2, 0 after a map two levels down",
      "a:\n  b:\n    c:\n      d: 1\n    # c4\n  # c2\n# c0\ne: 3\n",
    ],
    ["a blank line inside a run at the inner indent", "a:\n  b: 1\n  # x\n\n\n  # y\nc: 2\n"],
    // Comments more indented than the map below a value: its foot, not its line comment.
    ["more indented than the map, before its next key", "a:\n  b: 1\n    # deep\n  c: 2\n"],
    ["more indented, below a line comment", "a:\n  b: 1 # line\n    # deep\nc: 2\n"],
    [
      "more indented, then indents 2 and 0 before the next top key",
      "a:\n  b:\n    c: 1\n      # deep\n  # c2\n# c0\ne: 2\n",
    ],
    ["more indented, split by a blank line", "a:\n  b: 1\n    # deep\n\n    # deep2\nc: 2\n"],
    // Comments go-yaml drops (sops never sees them): sealbridge drops them too.
    [
      "the value's foot, then a foot at the value's map column after a blank line",
      "a:\n  b:\n    c: 1\n      # deep\n\n    # c4\n  # c2\ne: 2\n",
    ],
    ["a head at the end of the document next to a foot", "a:\n  b: 1\n# x\n # y\n\n# z\n"],
    [
      "at two lesser columns before the next key of the value's map",
      "a:\n  b:\n    c: 1\n    # c4\n # c1\n  # c2\n    d: 2\n",
    ],
    // A run that ends the text without a final line break.
    ["indents 2 then 0 at the end, no final line break", "a:\n  b:\n    c: 1\n  # c2\n# c0"],
    ["indents 4, 2, 0 at the end, no final line break", "a:\n  b:\n    c: 1\n    # c4\n  # c2\n# c0"],
    // After an empty flow value: the blank line cuts the run (CST property test, seed -1779320383).
    ["after [], indent 0, a blank line, then indent 2 at the end", "k1:\n  k2: []\n# c0\n\n  # c2\n"],
    [
      "after {}, indent 0, a blank line, then indent 2 before the next top key",
      "k1:\n  k2: {}\n# c0\n\n  # c2\nk3: 1\n",
    ],
    // More indented than the map, below a flow value: its foot (sealbridge once sealed a: [] as null).
    ["more indented, below [], before the next top key", "a: []\n  # d\nb: 1\n"],
    [
      "more indented, below a nested [], then indents 2 and 0",
      "k1:\n  k2: []\n    # d\n  # c2\n# c0\nk3: 1\n",
    ],
    ["more indented, below [1, 2]", "a: [1, 2]\n  # d\nb: 1\n"],
  ])("%s: same sealed shape and same decrypt bytes as sops", (name, text) => {
    both(name.replace(/\W+/g, "-"), text)
  })
})
