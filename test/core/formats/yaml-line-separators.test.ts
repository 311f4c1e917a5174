import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { PieceSink } from "../../../src/formats/piece-sink.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { streamYaml } from "../../../src/formats/yaml-stream.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import type { ListItem, MapItem, Scalar, TreeNode } from "../../../src/tree/node.js"
import type { StreamWalker } from "../../../src/tree/stream-walk.js"

// U+2028 and U+2029 are line breaks to go-yaml: a string with one is never plain; in single quotes
// (and in a literal block) the text after a run of them goes on at the scalar's indentation; a
// space before one leaves only double quotes (`\L`, `\P`), a space after one double quotes or a
// literal block. go-yaml reads them as line breaks too (blanks around one in single quotes, the
// indentation after one in a literal block, are not content): the last two shapes.
// `sealed` is the data part sops 3.13.2 wrote for each input (values in the clear).
interface Case {
  readonly name: string
  readonly input: string
  readonly sealed: string
}
const cases = JSON.parse(
  readFileSync("test/fixtures/yaml-write/line-separators.sops-3.13.2.json", "utf8"),
) as Case[]

/** The tree with every string replaced by "v" (a document the line reader takes), and the strings. */
function placeholders(node: TreeNode, strings: Scalar[]): TreeNode {
  if (node.kind === "scalar") {
    strings.push(node.value)
    return { kind: "scalar", value: { kind: "string", value: "v" } }
  }
  if (node.kind === "list") {
    return {
      kind: "list",
      items: node.items.map((it): ListItem => (it.kind === "comment" ? it : placeholders(it, strings))),
    }
  }
  const items = node.items.map((it): MapItem =>
    it.kind === "comment" ? it : { ...it, value: placeholders(it.value, strings) },
  )
  return { kind: "map", items }
}

describe("YAML strings with U+2028 or U+2029, written as sops 3.13.2 writes them", () => {
  it("should hold the shapes", () => {
    expect(cases.length).toBe(19)
    // The bytes themselves, for one: the break, then the value's indentation (4 at the top level).
    expect(cases[0]).toEqual({ name: "top level", input: 'a: "x\\u2028y"\n', sealed: "a: 'x\u2028    y'\n" })
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s: the tree writer", (_name, c) => {
    expect(writeYaml(readYaml(c.input, "t.yaml"))).toBe(c.sealed)
    // Read back as go-yaml reads it (the blanks or indentation after the break are not content).
    expect(readYaml(c.sealed, "t.yaml")).toEqual(readYaml(c.input, "t.yaml"))
  })

  it.each(cases.map((c) => [c.name, c] as const))("%s: the one-pass writer", (_name, c) => {
    // The line reader takes no such string: what it writes in one pass are opened values (the
    // walker's), here put in place of placeholders.
    const [tree] = readYaml(c.input, "t.yaml")
    const strings: Scalar[] = []
    const doc = writeYaml([placeholders(tree as TreeNode, strings) as typeof tree & object])
    const out: Buffer[] = []
    const sink = new PieceSink((p) => out.push(Buffer.from(p)))
    let next = 0
    const walker: StreamWalker = {
      open: () => undefined,
      close: () => undefined,
      key: () => undefined,
      item: () => undefined,
      leaf: () => strings[next++] as Scalar,
      comment: (t) => t,
    }
    const ok = streamYaml(Buffer.from(doc), 4, walker, sink, false)
    // `- - v` is outside the line reader's subset: the tree path writes that one.
    expect(ok).toBe(c.name !== "in a nested list")
    if (!ok) return
    sink.flush()
    expect(Buffer.concat(out).toString()).toBe(c.sealed)
  })
})
