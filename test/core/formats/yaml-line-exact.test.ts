import { describe, expect, it } from "vitest"
import type { Scalar } from "../../../src/tree/node.js"
import { LineCursor } from "../../../src/formats/line-cursor.js"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readLineEvents, readYamlLines, type YamlEvents } from "../../../src/formats/yaml-line-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { alternating, HANDED_OVER, TAKEN, UNBROKEN_END, UNICODE_SPACES } from "./yaml-line-cases.js"

// The line reader (the fast path of every YAML read): exactly what it takes and what it hands
// over to the CST reader (null). What it takes it must read as the CST reader does; the written
// form (writeYaml, sops' 4-space layout) shows where each value and comment went.
const read = (text: string): string | null => {
  const b = readYamlLines(text)
  return b === null ? null : writeYaml(b)
}

describe("the YAML line reader takes its block subset", () => {
  it.each(TAKEN)("%j", (text, want) => {
    expect(read(text)).toBe(want)
    expect(readYamlLines(text)).toEqual(readYamlCst(text))
  })

  it("should read each scalar as the CST reader does", () => {
    const scalar = (text: string): Scalar | undefined => {
      const it = readYamlLines(text)?.[0]?.items[0]
      return it?.kind === "entry" && it.value.kind === "scalar" ? it.value.value : undefined
    }
    expect(scalar("a: 1\n")).toEqual({ kind: "int", value: 1n })
    expect(scalar("a: -1\n")).toEqual({ kind: "int", value: -1n })
    expect(scalar("a: x\n")).toEqual({ kind: "string", value: "x" })
    expect(scalar('a: "1"\n')).toEqual({ kind: "string", value: "1" })
    expect(scalar("a: '1'\n")).toEqual({ kind: "string", value: "1" })
    expect(scalar("a: ''\n")).toEqual({ kind: "string", value: "" })
    expect(scalar('a: ""\n')).toEqual({ kind: "string", value: "" })
    expect(scalar("a: |-\n  x\n  y\n")).toEqual({ kind: "string", value: "x\ny" })
    expect(scalar("a: |\n  x\n\n  y\n")).toEqual({ kind: "string", value: "x\n\ny\n" })
    expect(scalar("a: null\n")).toEqual({ kind: "null" })
  })
})

describe("the YAML line reader hands over what is outside its subset", () => {
  it.each(HANDED_OVER)("%j (%s)", (text) => {
    expect(readYamlLines(text)).toBeNull()
  })

  it.each([..."-?:,[]{}#&*!|>'\"%@`"])("should hand over a plain scalar starting with %s", (c) => {
    expect(readYamlLines(`a: ${c}x\n`)).toBeNull()
    expect(readYamlLines(`a:\n  - ${c}x\n`)).toBeNull()
  })
})

describe("the YAML line reader's spaces are ASCII spaces", () => {
  // JavaScript's trimStart also takes no-break and other Unicode spaces; YAML (go-yaml, sops
  // 3.13.2) reads them as content: `a: \u00a0x` is "\u00a0x". The line reader once took them as
  // indentation: it read "x" (and sealed it), and took a line of such spaces for a blank one.
  it.each(UNICODE_SPACES)("%j", (text, want) => {
    expect(read(text)).toBe(want)
    expect(readYamlLines(text)).toEqual(readYamlCst(text))
  })

  it.each(["a: 1\n\u00a0\nb: 2\n", "a:\n  b: 1\n\u3000\nc: 2\n", "a: 1\n\u00a0# c\n"])(
    "should hand over a line of Unicode spaces: %j",
    (text) => {
      expect(readYamlLines(text)).toBeNull()
    },
  )
})

describe("the YAML line reader places a run that ends the text without a line break as sops does", () => {
  // go-yaml's scanner stops at the end of the last line (counted in characters): the maps at or
  // below that column end after the run. sops 3.13.2's outputs.
  it.each(UNBROKEN_END)("%j", (text, want) => {
    expect(read(text)).toBe(want)
  })
})

describe("the YAML line reader's nesting limit", () => {
  // 500 levels, as the other readers: maps and sequences both count, and a closed block's levels
  // are free again for the next one.
  it("should take 500 levels of maps and sequences and hand over 501", () => {
    for (const n of [499, 500]) {
      expect(readYamlLines(alternating(n)), `${n}`).not.toBeNull()
      expect(readYamlLines(alternating(n)), `${n}`).toEqual(readYamlCst(alternating(n)))
    }
    for (const n of [501, 502]) expect(readYamlLines(alternating(n)), `${n}`).toBeNull()
  })

  it("should count only the open levels", () => {
    const twice = (n: number): string => alternating(n) + alternating(n).replace(/^k:/, "j:")
    expect(readYamlLines(twice(300))).not.toBeNull()
    expect(readYamlLines(twice(301))).not.toBeNull()
  })
})

describe("readLineEvents", () => {
  const record = (): { events: YamlEvents; log: string[] } => {
    const log: string[] = []
    const events: YamlEvents = {
      mapStart: () => log.push("{"),
      mapEnd: () => log.push("}"),
      listStart: () => log.push("["),
      listEnd: () => log.push("]"),
      emptyMap: () => log.push("{}"),
      emptyList: () => log.push("[]"),
      key: (k) => log.push(`${k}:`),
      scalar: (v) => log.push(v.kind === "string" ? JSON.stringify(v.value) : `${v.kind}`),
      comment: (t) => log.push(`#${t}`),
    }
    return { events, log }
  }

  it("should report what it reads in document order", () => {
    const { events, log } = record()
    readLineEvents(LineCursor.ofText("# t\na:\n  - x\n  - k: {}\nb: []\n# c\nd: y\n"), events)
    expect(log).toEqual([
      "{",
      "# t",
      "a:",
      "[",
      '"x"',
      "{",
      "k:",
      "{}",
      "}",
      "]",
      "b:",
      "[]",
      "# c",
      "d:",
      '"y"',
      "}",
    ])
  })

  it("should take a duplicate key only when told the input was checked", () => {
    const text = "a: x\na: y\n"
    expect(() => readLineEvents(LineCursor.ofText(text), record().events)).toThrow()
    const { events, log } = record()
    readLineEvents(LineCursor.ofText(text), events, false)
    expect(log).toEqual(["{", "a:", '"x"', "a:", '"y"', "}"])
  })
})
