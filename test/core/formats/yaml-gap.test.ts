import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { DROP, gapCloses } from "../../../src/formats/yaml-gap.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { encryptStreamed } from "../../../src/ops/encrypt-stream.js"
import { fixedDeps, produced, sealRequest } from "../ops/stream-helpers.js"

// Comments below the last value of nested maps, before a less indented key or the end (issue 8).
// The fixture holds what sops 3.13.2 (go-yaml v3) made of each input: `sealed` is its `encrypt`
// output (run with unencrypted_comment_regex ".*" so that the comments show, values put back in
// the clear: only where each line stands matters), `opened` its `decrypt` of that sealed file.
interface Case {
  readonly name: string
  readonly input: string
  readonly sealed: string
  readonly opened: string
}
const fixture = (file: string): Case[] =>
  JSON.parse(readFileSync(`test/fixtures/yaml-gap/${file}.json`, "utf8")) as Case[]
// The same runs at the end of a text without a final line break (eof-comments), and runs after an
// empty flow value (`[]`, `{}`: empty-flow-comments, among them the CST property test's seed
// -1779320383, where the tree readers once kept both comments in the value's map).
const cases = [
  ...fixture("sops-3.13.2"),
  ...fixture("eof-comments.sops-3.13.2"),
  ...fixture("empty-flow-comments.sops-3.13.2"),
]

const readers = {
  document: (text: string) => readYaml(text, "t.yaml"),
  cst: readYamlCst,
  line: readYamlLines,
} as const

describe("YAML comments below nested maps, placed as sops places them", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s: every reader, both ways", (_name, c) => {
    for (const [name, read] of Object.entries(readers)) {
      const plain = read(c.input)
      const sealed = read(c.sealed)
      // The line reader takes all of these (the one-pass path depends on it); the others too.
      expect(plain, `${name} reads the input`).not.toBeNull()
      expect(sealed, `${name} reads the sealed layout`).not.toBeNull()
      expect(writeYaml(plain ?? []), `${name}: sealed layout`).toBe(c.sealed)
      expect(writeYaml(sealed ?? []), `${name}: opened layout`).toBe(c.opened)
    }
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s: sealed in one pass as by the tree", async (_n, c) => {
    const req = sealRequest(Buffer.from(c.input), "yaml", {})
    const streamed = await encryptStreamed(req, fixedDeps(), 0)
    if (streamed === null) throw new Error("the one-pass path did not apply")
    expect(produced(streamed)).toBe(Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8"))
  })
})

// Shapes the fast readers may hand over (the line reader reads no comment below a value that is
// more indented than the map; the CST reader no anchors): the document reader must take them,
// the others and the one-pass sealer may only hand over or agree. Same fixture layout as above, made by sops 3.13.2 the same way.
const more = (file: string): Case[] => fixture(`${file}.sops-3.13.2`)

describe.each([
  ["comments more indented than the map, below a value", more("deep-comments")],
  // go-yaml loses these comments (sops never sees them): drop-in means losing them too.
  ["comments go-yaml drops", more("dropped-comments")],
  // Below a flow value (`[]`, `{}`, `[1, 2]`): its foot, after the entry, as below a scalar; the
  // document reader once read them into the value (an empty one then sealed as null).
  ["comments more indented than the map, below a flow value", more("flow-comments")],
] as const)("YAML %s, placed as sops places them", (_title, extra) => {
  it.each(extra.map((c) => [c.name, c] as const))("%s: every reader, both ways", (_name, c) => {
    for (const [name, read] of Object.entries(readers)) {
      for (const [from, want] of [
        [c.input, c.sealed],
        [c.sealed, c.opened],
      ] as const) {
        const branches = read(from)
        if (branches === null && name !== "document") continue // handed over
        expect(branches, `${name} reads ${JSON.stringify(from)}`).not.toBeNull()
        expect(writeYaml(branches ?? []), `${name}: from ${JSON.stringify(from)}`).toBe(want)
      }
    }
  })

  it.each(extra.map((c) => [c.name, c] as const))("%s: sealed in one pass as by the tree", async (_n, c) => {
    const req = sealRequest(Buffer.from(c.input), "yaml", {})
    const streamed = await encryptStreamed(req, fixedDeps(), 0)
    const tree = Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8")
    if (streamed !== null) expect(produced(streamed)).toBe(tree)
  })
})

describe("gapCloses", () => {
  const run = {
    valueLine: 2,
    comments: [
      { line: 3, column: 4 },
      { line: 4, column: 2 },
      { line: 5, column: 0 },
    ],
    closing: [4, 2],
  }

  it("should give each piece of a dedenting run to the map that ends at its column", () => {
    expect(gapCloses({ ...run, next: null, finalBreak: true })).toEqual([0, 1, 2])
    // Before a top-level key the last comment is that key's head: the top-level map's too.
    expect(gapCloses({ ...run, next: { line: 6, column: 0 }, finalBreak: false })).toEqual([0, 1, 2])
  })

  it("should keep a run below the value's own column in the value's map until a column changes", () => {
    const comments = [
      { line: 3, column: 2 },
      { line: 4, column: 0 },
    ]
    // go-yaml cuts at the change to column 0: the first piece stays with the value.
    expect(gapCloses({ ...run, comments, next: { line: 5, column: 0 }, finalBreak: false })).toEqual([0, 2])
  })

  it("should drop the value's foot that a later foot overwrites, as go-yaml does", () => {
    const comments = [
      { line: 3, column: 6 },
      { line: 5, column: 4 },
      { line: 6, column: 2 },
    ]
    // A blank line on line 4 ends the value's foot; the foot at column 4 ends its map.
    expect(gapCloses({ ...run, comments, next: { line: 7, column: 0 }, finalBreak: false })).toEqual([
      DROP,
      0,
      1,
    ])
    // No map ends: a foot before the next key of the value's own map overwrites it too.
    const before = [
      { line: 3, column: 4 },
      { line: 4, column: 1 },
      { line: 5, column: 2 },
    ]
    expect(
      gapCloses({ ...run, comments: before, closing: [], next: { line: 6, column: 4 }, finalBreak: false }),
    ).toEqual([DROP, 0, 0])
  })

  it("should drop a head at the end of the document when a foot goes there too", () => {
    const comments = [
      { line: 3, column: 0 },
      { line: 4, column: 1 },
      { line: 6, column: 0 },
    ]
    expect(gapCloses({ ...run, comments, closing: [2], next: null, finalBreak: true })).toEqual([0, 1, DROP])
  })

  it("should place nothing at the end of a text without a final line break whose end is unknown", () => {
    expect(gapCloses({ ...run, next: null, finalBreak: false })).toBeNull()
  })

  it("should end the maps at or below the last line's end column from the end of the text", () => {
    const comments = [
      { line: 3, column: 2 },
      { line: 4, column: 0 },
    ]
    // With a final line break both maps end right after the value: the foot stays, `# c0` (a
    // foot: dedented below the value) goes to the document.
    expect(gapCloses({ ...run, comments, next: null, finalBreak: true })).toEqual([0, 2])
    // Without it the scanner stops at column 4, the end of `# c0`: the maps at columns 4 and 2
    // end after it, so `# c0` is the value's map's foot and overwrites the value's own.
    expect(gapCloses({ ...run, comments, next: null, finalBreak: false, endColumn: 4 })).toEqual([DROP, 0])
  })
})
