// Inputs of test/core/formats/yaml-line-exact.test.ts (the line reader's subset, exactly): data
// only, so that other checks can share them.

/** What the line reader takes, and its written form (writeYaml). */
export const TAKEN: readonly (readonly [string, string])[] = [
  ["a:\n  b: 1\n  c: 2\nd: 3\n", "a:\n    b: 1\n    c: 2\nd: 3\n"],
  ["a: -1\nb: -.5\nc: \"q\"\nd: 'it''s'\n", "a: -1\nb: -0.5\nc: q\nd: it's\n"],
  ["a: b#c\n", "a: b#c\n"],
  ["a: {}\nb: []\n", "a: {}\nb: []\n"],
  ["a: {}\n# c\nb: 1\n", "a: {}\n# c\nb: 1\n"],
  // A `- ` item's map starts on its line, at the column after the padding.
  ["a:\n  -   k: 1\n      j: 2\n", "a:\n    - k: 1\n      j: 2\n"],
  ["a:\n  -  k: 1\n     j: 2\n", "a:\n    - k: 1\n      j: 2\n"],
  [
    "a:\n  - a:b\n  - http://x\n  - a:\n      b: 1\n",
    "a:\n    - a:b\n    - http://x\n    - a:\n        b: 1\n",
  ],
  // Literal blocks: clip keeps one line break, strip none; blank lines inside are content.
  ["a: |\n  x\n", "a: |\n    x\n"],
  ["a: |-\n  x\n", "a: x\n"],
  ["a: |\n  x\n  y\n", "a: |\n    x\n    y\n"],
  ["a: |\n  x\n    y\n", "a: |\n    x\n      y\n"],
  ["a: |\n  x\n\n  y\n", "a: |\n    x\n\n    y\n"],
  ["a: |\n  x\n  \n  y\n", "a: |\n    x\n\n    y\n"],
  ["a: |\n  x\n\n", "a: |\n    x\n"],
  ["a: |-\n  x\n\n\nb: 1\n", "a: x\nb: 1\n"],
  ["a: |\n  x\nb: 1\n", "a: |\n    x\nb: 1\n"],
  // Leading comments at column 0 and a lone `#` (the empty comment).
  ["# top\n#\na: 1\n", "# top\n#\na: 1\n"],
  ["a: 1\n# c\nb: 2\n", "a: 1\n# c\nb: 2\n"],
  ["a:\n  b: 1\n  # c\n  d: 2\n", "a:\n    b: 1\n    # c\n    d: 2\n"],
  // `#` and `|` at the end of a value or key line are content.
  ["a: 1\nb: c#\n", "a: 1\nb: c#\n"],
  ["a:\n  b: c#\n", "a:\n    b: c#\n"],
  ["a: x|\n# c\nb: 1\n", "a: x|\n# c\nb: 1\n"],
  ["a: 9223372036854775807\n", "a: 9223372036854775807\n"],
  // A 128-byte key is the longest go-yaml writes as `key:` (longer ones: `? key`, yaml-write.ts).
  [`k${"x".repeat(127)}: 1\n`, `k${"x".repeat(127)}: 1\n`],
]

/** What it hands over (null), and why. */
export const HANDED_OVER: readonly (readonly [string, string])[] = [
  // Tabs, carriage returns and a BOM anywhere, comments too.
  ["a: 1\n# x\ty\n", "tab"],
  ["a: 1\n# x\ry\n", "carriage return"],
  ["a: 1\n# x\ufeff\n", "BOM"],
  // Characters go-yaml refuses, wherever the reader meets them first.
  ["# \x01\na: 1\n", "control in a leading comment"],
  ["a: 1\n# \x01\n", "control in the comment after a value"],
  ["a: 1\n# x\n# \x01\nb: 2\n", "control in a later comment of a run"],
  ["a: |\n  x\x01y\n", "control in a literal block"],
  // Documents that are not one block map at column 0.
  ["", "empty"],
  ["# only\n", "only a comment"],
  [" # x\na: 1\n", "indented leading comment"],
  ["  a: 1\n", "indented first key"],
  [":x\n", "no key"],
  ["x\n", "no colon"],
  ["a:b\n", "no space after the colon"],
  ["a: \nb: 1\n", "empty value after the space"],
  ["a: 1\na: 2\n", "duplicate key"],
  ["true: 1\n", "key that is not a string"],
  [`k${"x".repeat(128)}: 1\n`, "key over 128 bytes (go-yaml writes it as `? key`)"],
  [`k${"x".repeat(1024)}: 1\n`, "key over 1024 characters"],
  // Indentation the subset does not follow.
  ["a:\n  b:\n    c: 1\n   d: 2\n", "key between two columns"],
  ["a: |\n  x\n b: 1\n", "key more indented than its map after a literal"],
  ["a:\n", "key without a value at the end"],
  ["a:\nb: 1\n", "key without a value before a sibling"],
  ["a:\n  # c\n  b: 1\n", "comment first in a nested block"],
  ["a: 1\n  b\n", "plain scalar continued"],
  // Comments whose owner is not plain to see.
  ["a:\n  - 1\n# x\nb: 2\n", "comment after a sequence"],
  ["a: |\n  x\n# c\nb: 1\n", "comment after a literal"],
  ["a: 1\n  # c\nb: 2\n", "comment more indented than a top-level map"],
  ["a:\n  b: 1\n  # x\n    # c\nd: 2\n", "comment more indented than the value's map"],
  ["a:\n  - b: 1\n# c\nx: 2\n", "run below a map in a sequence"],
  ["a:\n  - b:\n      c: 1\n    # x\n  - 2\n", "run before a sequence item"],
  ["a: 1\n# c \n", "comment with trailing space"],
  ["a: |-\n  x\n# c\nb: 1\n", "comment after a stripped literal"],
  ["a:\n  k: 1\n  # x\n # y\n  q: 8\n", "run that ends no map, at another column"],
  // Sequences.
  ["a:\n  -\n", "empty item"],
  ["a:\n  - \n", "empty item with a space"],
  ["a:\n  - # c\n", "item that is a comment"],
  ["a:\n  - - 1\n", "nested sequence on one line"],
  ["a:\n  - |\n    x\n", "literal in a sequence"],
  ["a:\n  - k: 1\n   - 2\n", "item more indented than the sequence"],
  ["a:\n  - 1\n  b: 2\n", "key at the sequence's column"],
  // Literal blocks.
  ["a: >\n  x\n", "folded"],
  ["a: |+\n  x\n", "keep chomping"],
  ["a: |\n\n  x\n", "blank line before the content"],
  ["a: |\n  x\n   \n  y\n", "blank line with more spaces than the content"],
  ["a: |\nb: 1\n", "no content"],
  ["a:\n  b: |\n  c: 1\n", "no content in a nested map"],
  ["a: |\n  x", "last line without its line break"],
  // Scalars.
  ["a: 1 \n", "trailing space"],
  ["a: \u{1f600}\n", "outside the BMP"],
  ["a: \u2028\n", "line separator"],
  ["a: \u0085\n", "NEL"],
  ['a: "\n', "lone double quote"],
  ['a: "abc\n', "unclosed double quote"],
  ['a: "a"b"\n', "quote inside double quotes"],
  ['a: "a\\n"\n', "escape"],
  ["a: '\n", "lone single quote"],
  ["a: 'a'b'\n", "quote inside single quotes"],
  ["a: -a\n", "dash"],
  ["a: -x-1\n", "dash, a number later"],
  ["a: 9223372036854775808\n", "integer over int64 (sops refuses it)"],
  ["a: b: c\n", "colon space inside"],
  ["a: b:\n", "colon at the end"],
  ["a: b #c\n", "end-of-line comment"],
]

/**
 * Unicode spaces are content, not indentation (go-yaml, sops 3.13.2): `a: \u00a0x` is "\u00a0x".
 * The line reader once took them as indentation (String.trimStart).
 */
export const UNICODE_SPACES: readonly (readonly [string, string])[] = [
  ["a: \u00a0x\n", "a: \u00a0x\n"],
  ["c: \u3000z\n", "c: \u3000z\n"],
  ["b: y\u00a0\n", "b: y\u00a0\n"],
  ["a:\n  - \u00a0x\n", "a:\n    - \u00a0x\n"],
  ["a: |\n  \u00a0x\n", "a: |\n     x\n".replace("     x", "    \u00a0x")],
  ["a: 1\n# \u00a0\n", "a: 1\n# \u00a0\n"],
]

/** Runs that end the text without a line break: sops 3.13.2's placement. */
export const UNBROKEN_END: readonly (readonly [string, string])[] = [
  ["a:\n  b:\n    k: 1\n#", "a:\n    b:\n        k: 1\n#\n"],
  ["a:\n  b:\n    k: 1\n#x", "a:\n    b:\n        k: 1\n    #x\n"],
  ["a:\n  b:\n    k: 1\n#xy", "a:\n    b:\n        k: 1\n    #xy\n"],
  ["a:\n  b:\n    k: 1\n#xyz", "a:\n    b:\n        k: 1\n        #xyz\n"],
  ["a:\n   k: 1\n#x", "a:\n    k: 1\n#x\n"],
  ["a:\n   k: 1\n#xy", "a:\n    k: 1\n    #xy\n"],
  // One character, two UTF-16 code units.
  ["a:\n   k: 1\n#\u{1f600}", "a:\n    k: 1\n#\u{1f600}\n"],
  ["a:\n   k: 1\n#\u{1f600}\u{1f600}", "a:\n    k: 1\n    #\u{1f600}\u{1f600}\n"],
  ["a:\n   k: 1\n# c\n#\u{1f600}", "a:\n    k: 1\n# c\n#\u{1f600}\n"],
]

/**
 * `n` nested levels, maps and sequences in turn (`k:` / `- k:`), the document's map the first: a
 * sequence innermost when `n` is even.
 */
export function alternating(n: number): string {
  const lines: string[] = []
  let prefix = ""
  let col = 0
  for (let level = 1; ; level += 2) {
    if (level === n) {
      lines.push(`${prefix}k: v`)
      break
    }
    lines.push(`${prefix}k:`)
    if (level + 1 === n) {
      lines.push(`${" ".repeat(col + 2)}- v`)
      break
    }
    prefix = `${" ".repeat(col + 2)}- `
    col += 4
  }
  return `${lines.join("\n")}\n`
}
