import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { PieceSink } from "../../../src/formats/piece-sink.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { streamYaml, streamYamlFrom } from "../../../src/formats/yaml-stream.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { checkOnly, type StreamWalker } from "../../../src/tree/stream-walk.js"
import { recordingWalker, textSink } from "../../helpers/stream-recorder.js"
import { fileLike } from "../ops/stream-helpers.js"
import { yamlDoc } from "./yaml-docs.js"

// The one-pass YAML writer (issue 8, mutation testing): the exact text it writes for each shape
// of the line reader's subset, the exact walk it reports, the first (checking) pass's refusals,
// byte-order mark and byte ranges, whole and in pieces; and, for random documents, exactly what
// yaml-write.ts writes for the tree the line reader reads.

/** A walker that records the walk and marks the string "s" and the comment " c" (as a sealer replaces them). */
const recorder = (): { events: string[]; walker: StreamWalker } =>
  recordingWalker({
    leaf: (v) => (v.kind === "string" && v.value === "s" ? { kind: "string", value: "S" } : v),
    comment: (t) => (t === " c" ? " C" : t),
  })

interface Written {
  ok: boolean
  text: string
  events: string[]
}

function write(
  doc: string | Buffer,
  best = 4,
  piece?: number,
  range: { start?: number; end?: number } = {},
): Written {
  const { events, walker } = recorder()
  const { sink, text } = textSink()
  const bytes = typeof doc === "string" ? Buffer.from(doc) : doc
  const ok =
    piece === undefined && range.start === undefined && range.end === undefined
      ? streamYaml(bytes, best, walker, sink, false)
      : streamYamlFrom(
          fileLike(bytes),
          { ...range, ...(piece === undefined ? {} : { piece }) },
          best,
          walker,
          sink,
          false,
        )
  return { ok, text: text(), events }
}

/** The same whole and in pieces of a few small sizes. */
function writeEverywhere(doc: string, best = 4): Written {
  const whole = write(doc, best)
  for (const piece of [1, 2, 3, 5, 8]) expect(write(doc, best, piece)).toEqual(whole)
  return whole
}

const check = (doc: string | Buffer, piece?: number): boolean => {
  const bytes = typeof doc === "string" ? Buffer.from(doc) : doc
  return piece === undefined
    ? streamYaml(bytes, 4, checkOnly, new PieceSink(null), true)
    : streamYamlFrom(fileLike(bytes), { piece }, 4, checkOnly, new PieceSink(null), true)
}

describe("streamYaml (writing)", () => {
  it("should write nested maps, sequences, empty collections and comments as yaml-write does", () => {
    const doc = [
      "# top",
      "a: s",
      "# c",
      "b:",
      "  c: 1",
      "  d:",
      "    - x",
      "    - k: s",
      "      l: true",
      "    - null",
      "e: {}",
      "f: []",
      "g:",
      "      - 1.5",
      "",
    ].join("\n")
    const r = writeEverywhere(doc)
    expect(r.ok).toBe(true)
    expect(r.text).toBe(
      [
        "# top",
        "a: S",
        "# C",
        "b:",
        "    c: 1",
        "    d:",
        "        - x",
        "        - k: S",
        "          l: true",
        "        - null",
        "e: {}",
        "f: []",
        "g:",
        "    - 1.5",
        "",
      ].join("\n"),
    )
    expect(r.events).toEqual([
      "open map",
      "comment  top",
      "key a",
      "leaf string:s",
      "item true",
      "comment  c",
      "key b",
      "open map",
      "key c",
      "leaf int:1",
      "item true",
      "key d",
      "open list",
      "leaf string:x",
      "item false",
      "open map",
      "key k",
      "leaf string:s",
      "item true",
      "key l",
      "leaf bool:true",
      "item true",
      "close",
      "item false",
      "leaf null",
      "item false",
      "close",
      "item true",
      "close",
      "item true",
      "key e",
      "open map",
      "close",
      "item true",
      "key f",
      "open list",
      "close",
      "item true",
      "key g",
      "open list",
      "leaf float:1.5",
      "item false",
      "close",
      "item true",
      "close",
    ])
    expect(r.text).toBe(
      writeYaml(
        readYamlLines(doc.replace("a: s", "a: S").replace("# c", "# C").replace("k: s", "k: S")) ?? [],
        4,
      ),
    )
  })

  it("should indent by the indent given, sequences under a sequence item's map two columns in", () => {
    const doc = "a:\n    b:\n        - c: 1\n          d:\n              e: f\n"
    expect(writeEverywhere(doc, 2).text).toBe("a:\n  b:\n    - c: 1\n      d:\n        e: f\n")
    expect(writeEverywhere(doc, 3).text).toBe("a:\n   b:\n      - c: 1\n        d:\n         e: f\n")
  })

  it("should write literal blocks at the column of their map or sequence", () => {
    const doc = "a: |\n  one\n  two\nb:\n  - k: |-\n      x\n\n      y\n  - l: |\n      z\n"
    const r = writeEverywhere(doc)
    expect(r.text).toBe(
      "a: |\n    one\n    two\nb:\n    - k: |-\n        x\n\n        y\n    - l: |\n        z\n",
    )
    expect(r.text).toBe(writeYaml(readYamlLines(doc) ?? [], 4))
  })

  it("should write comments after values, also where go-yaml moves them to an enclosing map", () => {
    const doc = "a:\n  b: 1\n  # c\n  d: 2\n# e\nf: 3\n"
    const r = writeEverywhere(doc)
    expect(r.text).toBe("a:\n    b: 1\n    # C\n    d: 2\n# e\nf: 3\n")
    expect(writeEverywhere("a:\n  b:\n    c: 1\n  # d\n# e\nf: 3\n").text).toBe(
      writeYaml(readYamlLines("a:\n  b:\n    c: 1\n  # d\n# e\nf: 3\n") ?? [], 4),
    )
  })

  it("should skip one leading byte-order mark and read only the range asked for", () => {
    expect(writeEverywhere("\ufeffa: 1\n")).toEqual({
      ok: true,
      text: "a: 1\n",
      events: ["open map", "key a", "leaf int:1", "item true", "close"],
    })
    const bytes = Buffer.from("xx\ufeffa: 1\nb: 2\nsops:\n  c: 3\n")
    for (const piece of [undefined, 1, 2, 5]) {
      const run = (start: number, end: number): [boolean, string] => {
        const r = write(bytes, 4, piece, { start, end })
        return [r.ok, r.text]
      }
      expect(run(2, 15)).toEqual([true, "a: 1\nb: 2\n"])
      expect(run(2, 14)).toEqual([true, "a: 1\nb: 2\n"])
      expect(run(2, 13)[0]).toBe(false)
      expect(run(2, 17)[0]).toBe(false)
      expect(run(5, 100)).toEqual([true, "a: 1\nb: 2\nsops:\n    c: 3\n"])
      expect(run(10, 15)).toEqual([true, "b: 2\n"])
      expect(run(3, 15)[0]).toBe(false)
    }
    expect(write(Buffer.from("\ufeff\ufeffa: 1\n")).ok).toBe(false)
    expect(write(Buffer.from("a: \ufeff1\n")).ok).toBe(false)
  })

  it("should hand over (false) what the line reader hands over", () => {
    for (const doc of [
      "a: &x 1\n",
      "a: [1]\n",
      "a:\tb\n",
      "a: 1\r\nb: 2\n",
      "a: 1\n---\nb: 2\n",
      "",
      "a: |\n  x",
    ]) {
      expect(write(doc).ok).toBe(false)
      expect(write(doc, 4, 3).ok).toBe(false)
    }
    const bad = Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a])
    expect(write(bad).ok).toBe(false)
    expect(write(bad, 4, 2).ok).toBe(false)
    expect(write(Buffer.from([0x61, 0x3a, 0x20, 0xc3])).ok).toBe(false)
  })

  it("should let any other error through", () => {
    const walker: StreamWalker = {
      ...checkOnly,
      leaf: () => {
        throw new Error("walker failed")
      },
    }
    expect(() => streamYaml(Buffer.from("a: 1\n"), 4, walker, new PieceSink(null), false)).toThrow(
      "walker failed",
    )
  })

  it("should write what yaml-write writes for the tree the line reader reads, for random documents", () => {
    fc.assert(
      fc.property(yamlDoc, fc.constantFrom(2, 4), fc.integer({ min: 1, max: 9 }), (doc, best, piece) => {
        const tree = readYamlLines(doc)
        const { sink, text } = textSink()
        const ok = streamYamlFrom(fileLike(Buffer.from(doc)), { piece }, best, checkOnly, sink, false)
        const written = text()
        expect(ok).toBe(tree !== null)
        if (tree !== null) expect(written).toBe(writeYaml(tree, best))
      }),
      { numRuns: 60 },
    )
  })
})

describe("streamYaml (the checking pass)", () => {
  it("should refuse a top-level sops key only", () => {
    expect(check("sops: 1\n")).toBe(false)
    expect(check("a: 1\nsops:\n  b: 1\n")).toBe(false)
    expect(check("a:\n  b: 1\nsops: 2\n")).toBe(false)
    expect(check("a:\n  - x\nsops: 1\n")).toBe(false)
    expect(check("a:\n  - b: 1\nsops: 1\n")).toBe(false)
    expect(check("a:\n  sops: 1\n")).toBe(true)
    expect(check("a:\n  - sops: 1\n")).toBe(true)
    expect(check("a:\n  b:\n    sops: 1\n")).toBe(true)
    expect(check("a: {}\nb: []\nc: 1\n# c\n")).toBe(true)
    for (let piece = 1; piece <= 5; piece++) {
      expect(check("a:\n  - b: 1\nsops: 1\n", piece)).toBe(false)
      expect(check("a:\n  - sops: 1\n", piece)).toBe(true)
    }
  })

  it("should refuse duplicate keys and what the line reader hands over, and write nothing", () => {
    expect(check("a: 1\na: 2\n")).toBe(false)
    expect(check("a: [1]\n")).toBe(false)
    expect(check(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]))).toBe(false)
    const { events, walker } = recorder()
    const out: Uint8Array[] = []
    const sink = new PieceSink((p) => out.push(p))
    expect(streamYaml(Buffer.from("a: s\n# c\nb:\n  - 1\n"), 4, walker, sink, true)).toBe(true)
    sink.flush()
    expect(events).toEqual([])
    expect(out).toEqual([])
  })

  it("should take a duplicate key on the writing pass (the checking pass refused it already)", () => {
    expect(write("a: 1\na: 2\n").text).toBe("a: 1\na: 2\n")
  })
})

describe("streamYaml on a buffer in memory", () => {
  // Read in place (no copy): reading past its end must not refill the window, which would move
  // the last line over the caller's bytes (a survivor of the wstream mutation run).
  it("should leave the caller's bytes as they were, with no final line break", () => {
    const bytes = Buffer.from("a: 1\nb: 2")
    const w = write(bytes)
    expect([w.ok, w.text, bytes.toString("utf8")]).toEqual([true, "a: 1\nb: 2\n", "a: 1\nb: 2"])
  })
})

describe("streamYaml's line rules", () => {
  // A carriage return or a tab inside a literal block, and a tab in a comment, are the tree
  // path's to read (the line reader takes neither): handed over whole and in pieces.
  it.each([
    ["a carriage return in a literal block", "a: |\n  x\r\n  y\nb: 1\n"],
    ["a tab in a literal block", "a: |\n  x\ty\nb: 1\n"],
    ["a tab in a comment", "# x\ty\na: 1\n"],
  ])("should hand over %s", (_, doc) => {
    expect(write(doc).ok).toBe(false)
    for (const piece of [1, 2, 3, 5, 8]) expect(write(doc, 4, piece).ok).toBe(false)
  })
})
