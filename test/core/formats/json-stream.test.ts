import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { BytesSource, type ByteSource } from "../../../src/formats/byte-source.js"
import { emitJson } from "../../../src/formats/json-emit.js"
import { parseJson } from "../../../src/formats/json-parse.js"
import { streamJson, streamJsonFrom, streamOpenJson } from "../../../src/formats/json-stream.js"
import { PieceSink } from "../../../src/formats/piece-sink.js"
import { checkOnly, type StreamWalker } from "../../../src/tree/stream-walk.js"
import { recordingWalker, textSink } from "../../helpers/stream-recorder.js"
import { jsonDocument } from "../ops/json-docs.js"

// The one-pass JSON reader and writer (issue 8, mutation testing): the exact text it writes, the
// exact walk it reports, where it finds a sealed file's `sops` value, and every input it hands
// over to the tree path (false / null), each read whole and in pieces of every small size.

/** A walker that records the walk and marks each string it is handed (as a sealer replaces it). */
const recorder = (): { events: string[]; walker: StreamWalker } =>
  recordingWalker({ leaf: (v) => (v.kind === "string" ? { kind: "string", value: `E(${v.value})` } : v) })

/** A source that is not a BytesSource, recording the length of each read. */
function fileLike(bytes: Uint8Array): ByteSource & { readonly reads: number[] } {
  const inner = new BytesSource(bytes)
  const reads: number[] = []
  return {
    size: inner.size,
    reads,
    read: (into, at) => {
      reads.push(into.length)
      return inner.read(into, at)
    },
  }
}

interface Sealed {
  ok: boolean
  text: string
  events: string[]
}

/** streamJson with a recording walker: whether it applied, the text written, the walk. */
function seal(doc: string, indent = "    ", piece?: number): Sealed {
  const { events, walker } = recorder()
  const { sink, text } = textSink()
  const bytes = Buffer.from(doc)
  const ok =
    piece === undefined
      ? streamJson(bytes, indent, walker, sink)
      : streamJsonFrom(fileLike(bytes), indent, walker, sink, piece)
  return { ok, text: text(), events }
}

interface Opened {
  at: { start: number; end: number } | null
  text: string
  events: string[]
}

function open(doc: string, indent = "    ", piece?: number): Opened {
  const { events, walker } = recorder()
  const { sink, text } = textSink()
  const at = streamOpenJson(new BytesSource(Buffer.from(doc)), indent, walker, sink, piece)
  return { at, text: text(), events }
}

const PIECES = [1, 2, 3, 5, 8]

/** The same in pieces of a few small sizes and whole. */
function sealEverywhere(doc: string, indent = "    "): Sealed {
  const whole = seal(doc, indent)
  for (const piece of PIECES) expect(seal(doc, indent, piece)).toEqual(whole)
  return whole
}

function openEverywhere(doc: string, indent = "    "): Opened {
  const whole = open(doc, indent)
  for (const piece of PIECES) expect(open(doc, indent, piece)).toEqual(whole)
  return whole
}

const DOC =
  '{"a": 1, "b": [true, false, null, "x"], "c": {"d": -1.5e3, "e": {}, "k\\n": "\\u00e9"}, "f": [], "g": [[1], {}]}'

describe("streamJson (sealing)", () => {
  it("should write every value as json-emit does, the root left open for the sops entry", () => {
    const r = sealEverywhere(DOC)
    expect(r.ok).toBe(true)
    expect(r.text).toBe(
      [
        "{",
        '    "a": 1,',
        '    "b": [',
        "        true,",
        "        false,",
        "        null,",
        '        "E(x)"',
        "    ],",
        '    "c": {',
        '        "d": -1500,',
        '        "e": {},',
        '        "k\\n": "E(é)"',
        "    },",
        '    "f": [],',
        '    "g": [',
        "        [",
        "            1",
        "        ],",
        "        {}",
        "    ],",
        "",
      ].join("\n"),
    )
    expect(r.events).toEqual([
      "open map",
      "key a",
      "leaf int:1",
      "item true",
      "key b",
      "open list",
      "leaf bool:true",
      "item false",
      "leaf bool:false",
      "item false",
      "leaf null",
      "item false",
      "leaf string:x",
      "item false",
      "close",
      "item true",
      "key c",
      "open map",
      "key d",
      "leaf float:-1500",
      "item true",
      "key e",
      "open map",
      "close",
      "item true",
      "key k\n",
      "leaf string:é",
      "item true",
      "close",
      "item true",
      "key f",
      "open list",
      "close",
      "item true",
      "key g",
      "open list",
      "open list",
      "leaf int:1",
      "item false",
      "close",
      "item false",
      "open map",
      "close",
      "item false",
      "close",
      "item true",
      "close",
    ])
  })

  it("should take any white space between tokens, and the indent given", () => {
    const r = sealEverywhere(' \t\r\n{ "a" :\t[ 1 ,\r\n2 ] ,\n"b":{ "c" : "d" } }\n', "\t")
    expect(r.ok).toBe(true)
    expect(r.text).toBe('{\n\t"a": [\n\t\t1,\n\t\t2\n\t],\n\t"b": {\n\t\t"c": "E(d)"\n\t},\n')
  })

  it("should write an empty document as its opening brace, and read nothing after the object", () => {
    expect(sealEverywhere("{}")).toEqual({ ok: true, text: "{\n", events: ["open map", "close"] })
    expect(sealEverywhere(" { } junk ] \u00ff")).toEqual({
      ok: true,
      text: "{\n",
      events: ["open map", "close"],
    })
    expect(sealEverywhere('{"a":"b"}{')).toEqual({
      ok: true,
      text: '{\n    "a": "E(b)",\n',
      events: ["open map", "key a", "leaf string:b", "item true", "close"],
    })
  })

  it("should read no byte past a number that ends the object, when reading in pieces", () => {
    // A byte the text check refuses right after the root: read in pieces it is never reached
    // (in memory the whole input is checked at once). A reader that tried `true`, `false` or
    // `null` on a number would read it and hand over.
    const bytes = Buffer.from([...Buffer.from('{"a":1}'), 0xff])
    for (const piece of PIECES) {
      const sink = textSink()
      expect(streamJsonFrom(fileLike(bytes), "  ", recorder().walker, sink.sink, piece)).toBe(true)
      expect(sink.text()).toBe('{\n  "a": 1,\n')
    }
  })

  it.each<[string, string, string]>([
    ["0", "int:0", "0"],
    ["9", "int:9", "9"],
    ["-0", "int:0", "0"],
    ["10", "int:10", "10"],
    ["19", "int:19", "19"],
    ["1.0", "float:1", "1"],
    ["1.5", "float:1.5", "1.5"],
    ["-0.0", "float:0", "-0"],
    ["1e2", "float:100", "100"],
    ["1E2", "float:100", "100"],
    ["1e+2", "float:100", "100"],
    ["1e-2", "float:0.01", "0.01"],
    ["2.5E-1", "float:0.25", "0.25"],
    ["9223372036854775807", "int:9223372036854775807", "9223372036854775807"],
    ["-9223372036854775808", "int:-9223372036854775808", "-9223372036854775808"],
    ["9223372036854775808", "float:9223372036854776000", "9223372036854776000"],
    ["-9223372036854775809", "float:-9223372036854776000", "-9223372036854776000"],
    ["1e308", "float:1e+308", "1e+308"],
  ])("should read the number %s as %s and write %s", (num, leaf, text) => {
    const r = sealEverywhere(`{"n": ${num}}`)
    expect(r).toEqual({
      ok: true,
      text: `{\n    "n": ${text},\n`,
      events: ["open map", "key n", `leaf ${leaf}`, "item true", "close"],
    })
    expect(sealEverywhere(`{"n":${num}}`)).toEqual(r)
    expect(sealEverywhere(`{"n": [${num},${num}]}`).ok).toBe(true)
  })

  it("should read escapes as JSON does and plain UTF-8 as it is", () => {
    const r = sealEverywhere('{"\\"q\\"": "\\t\\\\\\/\\ud83d\\ude00", "é": "ü\u2028"}')
    expect(r.events).toEqual([
      "open map",
      'key "q"',
      "leaf string:\t\\/😀",
      "item true",
      "key é",
      "leaf string:ü\u2028",
      "item true",
      "close",
    ])
    expect(r.text).toBe('{\n    "\\"q\\"": "E(\\t\\\\/😀)",\n    "é": "E(ü\\u2028)",\n')
  })

  it.each([
    ["not an object", "[1]"],
    ["empty", ""],
    ["only white space", " \n"],
    ["a top-level sops key", '{"a": 1, "sops": {}}'],
    ["a number that is no JSON number", '{"a": 01}'],
    ["a leading plus", '{"a": +1}'],
    ["a plus inside a number", '{"a": 1+2}'],
    ["a lone minus", '{"a": -}'],
    ["an infinite float", '{"a": 1e999}'],
    ["a negative infinite float", '{"a": -1e999}'],
    ["a number cut short", '{"a": 1.}'],
    ["a bad escape", '{"a": "\\x"}'],
    ["a control character in a string", '{"a": "\u0001"}'],
    ["a space-less control", '{"a": "\n"}'],
    ["an unterminated string", '{"a": "b'],
    ["a trailing comma in an object", '{"a": 1,}'],
    ["a trailing comma in an array", '{"a": [1,]}'],
    ["a missing comma in an array", '{"a": [1 2]}'],
    ["a missing comma in an object", '{"a": 1 "b": 2}'],
    ["a missing colon", '{"a" 1}'],
    ["a key that is no string", "{a: 1}"],
    ["a literal cut short", '{"a": tru}'],
    ["a literal with more after it", '{"a": truex}'],
    ["a misspelt false", '{"a": fals}'],
    ["a misspelt null", '{"a": nul}'],
    ["a word", '{"a": x}'],
    ["an unclosed object", '{"a": 1'],
    ["an unclosed array", '{"a": [1'],
    ["an unclosed nested object", '{"a": {"b": 1'],
    ["a missing value", '{"a": }'],
    ["invalid UTF-8", '{"a": "\xff"}'],
    // Each character the reader checks, replaced (survivors of the wstream mutation run).
    ["another character for the opening brace", 'x"a": 1}'],
    ["a key opened without its quote", '{x":1}'],
    ["another character for the colon", '{"a"=1}'],
    ["another separator in an object", '{"a":1;"b":2}'],
    ["another separator in an array", '{"a":[1;2]}'],
  ])("should hand over %s", (_, doc) => {
    const bytes =
      doc === '{"a": "\xff"}' ? Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) : null
    if (bytes !== null) {
      expect(streamJson(bytes, "  ", checkOnly, new PieceSink(null))).toBe(false)
      expect(streamJsonFrom(fileLike(bytes), "  ", checkOnly, new PieceSink(null), 2)).toBe(false)
      return
    }
    for (const piece of PIECES) expect(seal(doc, "  ", piece).ok).toBe(false)
    expect(seal(doc, "  ").ok).toBe(false)
  })

  it("should keep a nested sops key", () => {
    expect(sealEverywhere('{"a": {"sops": 1}}').text).toBe('{\n    "a": {\n        "sops": 1\n    },\n')
  })

  it("should take 1,000 levels of nesting and hand over 1,001", () => {
    const deep = (n: number): string => `{"a": ${"[".repeat(n - 1)}${"]".repeat(n - 1)}}`
    expect(seal(deep(1000)).ok).toBe(true)
    expect(seal(deep(1001)).ok).toBe(false)
    const wide = `{"a": [${Array.from({ length: 3 }, () => `${"[".repeat(998)}${"]".repeat(998)}`).join(",")}]}`
    expect(seal(wide).ok).toBe(true)
  })

  it("should let any other error through", () => {
    const walker: StreamWalker = {
      ...checkOnly,
      leaf: () => {
        throw new Error("walker failed")
      },
    }
    expect(() => streamJson(Buffer.from('{"a": 1}'), "  ", walker, new PieceSink(null))).toThrow(
      "walker failed",
    )
  })

  it("should read a file in the pieces asked for, else 64 KiB at a time", () => {
    const bytes = Buffer.from('{"a": "bcdefgh"}')
    const small = fileLike(bytes)
    expect(streamJsonFrom(small, "  ", checkOnly, new PieceSink(null), 4)).toBe(true)
    expect(small.reads.slice(0, 2)).toEqual([4, 4])
    const big = fileLike(bytes)
    expect(streamJsonFrom(big, "  ", checkOnly, new PieceSink(null))).toBe(true)
    expect(big.reads).toEqual([16])
  })

  it("should write what the tree path writes, for random documents", () => {
    fc.assert(
      fc.property(
        jsonDocument,
        fc.constantFrom("  ", "\t"),
        fc.integer({ min: 1, max: 7 }),
        (doc, indent, piece) => {
          const { sink, text } = textSink()
          const ok = streamJsonFrom(fileLike(Buffer.from(doc)), indent, checkOnly, sink, piece)
          const written = text()
          let tree: string | null
          try {
            tree = emitJson(parseJson(doc, "f", { rest: "ignore" }), indent)
          } catch {
            tree = null
          }
          if (!ok) return
          if (tree === null) throw new Error(`the stream read what the tree path refuses: ${doc}`)
          expect(written).toBe(tree === "{}" ? "{\n" : `${tree.slice(0, -2)},\n`)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe("streamOpenJson (opening)", () => {
  it("should write the document without its last sops entry and say where that value lies", () => {
    const doc = '{"a": "x", "b": [1, {}], "sops": {"mac": "m", "v": [1]} }'
    const r = openEverywhere(doc)
    expect(r.at).toEqual({ start: 33, end: 55 })
    expect(doc.slice(33, 55)).toBe('{"mac": "m", "v": [1]}')
    expect(r.text).toBe('{\n    "a": "E(x)",\n    "b": [\n        1,\n        {}\n    ]\n}')
    expect(r.events).toEqual([
      "open map",
      "key a",
      "leaf string:x",
      "item true",
      "key b",
      "open list",
      "leaf int:1",
      "item false",
      "open map",
      "close",
      "item false",
      "close",
      "item true",
      "close",
    ])
  })

  it("should write a document of only the sops entry as {}", () => {
    const r = openEverywhere('\n{ "sops" : "s" }\n')
    expect(r).toEqual({ at: { start: 12, end: 15 }, text: "{}", events: ["open map", "close"] })
    expect(openEverywhere('{"a":1,"sops":2}', "  ").text).toBe('{\n  "a": 1\n}')
  })

  it("should take 1,000 levels of nesting before the sops entry and hand over 1,001", () => {
    const deep = (n: number): string => `{"a": ${"[".repeat(n - 1)}${"]".repeat(n - 1)}, "sops": 1}`
    expect(open(deep(1000)).at).not.toBeNull()
    expect(open(deep(1001)).at).toBeNull()
  })

  it("should read a file in the pieces asked for, else 64 KiB at a time", () => {
    const bytes = Buffer.from('{"a": "bcdefgh", "sops": 1}')
    const small = fileLike(bytes)
    expect(streamOpenJson(small, "  ", checkOnly, new PieceSink(null), 4)).toEqual({ start: 25, end: 26 })
    expect(small.reads.slice(0, 2)).toEqual([4, 4])
    const big = fileLike(bytes)
    expect(streamOpenJson(big, "  ", checkOnly, new PieceSink(null))).toEqual({ start: 25, end: 26 })
    expect(big.reads).toEqual([27])
  })

  it.each([
    ["no sops entry", '{"a": 1}'],
    ["an empty object", "{}"],
    ["an empty object with space", "{ }"],
    ["sops not last", '{"sops": 1, "a": 2}'],
    ["a comma after sops", '{"sops": {}, }'],
    ["a trailing comma", '{"a": 1,}'],
    ["a bad sops value", '{"a": 1, "sops": {"x" 1}}'],
    ["a missing colon", '{"a" 1, "sops": 1}'],
    ["a key that is no string", '{a: 1, "sops": 1}'],
    ["a missing comma", '{"a": 1 "sops": 1}'],
    ["not an object", '["sops"]'],
    ["an unclosed object", '{"sops": 1'],
    ["a key opened without its quote", '{x": 1, "sops": {}}'],
    ["another character for the colon", '{"a"=1, "sops": {}}'],
    ["another separator", '{"a":1;"sops":{}}'],
  ])("should hand over %s (null)", (_, doc) => {
    for (let piece = 1; piece <= 6; piece++) expect(open(doc, "  ", piece).at).toBeNull()
    expect(open(doc).at).toBeNull()
  })
})
