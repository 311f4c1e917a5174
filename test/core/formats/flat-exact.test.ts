import { describe, expect, it } from "vitest"
import { errorOf } from "../../helpers/error-of.js"
import { dotenvFormat } from "../../../src/formats/dotenv.js"
import { plainDotenvItems, streamDotenv } from "../../../src/formats/dotenv-stream.js"
import { PieceSink } from "../../../src/formats/piece-sink.js"
import { unflattenMetadata } from "../../../src/formats/flatten.js"
import { splitTopLevel } from "../../../src/formats/metadata-split.js"
import { bytes, comment, entry, int, map, str, type Scalar } from "../../../src/tree/node.js"
import type { StreamWalker } from "../../../src/tree/stream-walk.js"

// The one-pass dotenv writer, its piece sink and the dotenv reader's corners, in process with
// exact texts and the walker's calls in order (the ops property tests compare it with the tree
// path, which cannot see where both agree on a mistake).
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

/** A walker that marks what it hands back and records every call. */
function recording(): { walker: StreamWalker; calls: string[] } {
  const calls: string[] = []
  const walker: StreamWalker = {
    open: (kind) => void calls.push(`open ${kind}`),
    close: () => void calls.push("close"),
    key: (k) => void calls.push(`key ${k}`),
    item: (isEntry) => void calls.push(`item ${String(isEntry)}`),
    leaf: (v: Scalar): Scalar => {
      calls.push(`leaf ${v.kind}`)
      return { kind: "string", value: `L(${v.kind === "string" ? v.value : "?"})` }
    },
    comment: (t) => {
      calls.push(`comment ${t}`)
      return `C(${t})`
    },
  }
  return { walker, calls }
}

function written(): { sink: PieceSink; pieces: string[] } {
  const pieces: string[] = []
  return { sink: new PieceSink((p) => pieces.push(dec(p))), pieces }
}

describe("plainDotenvItems", () => {
  it("should hand back the items of a plain file, comments included", () => {
    expect(plainDotenvItems(enc("#sops_note\nA=1\n\nB=x\\ny\n"))).toEqual([
      comment("sops_note"),
      entry("A", str("1")),
      entry("B", str("x\ny")),
    ])
  })

  it("should leave a line without = and a sops_ key to the tree path (null)", () => {
    expect(plainDotenvItems(enc("A=1\nnot a pair\n"))).toBeNull()
    expect(plainDotenvItems(enc("#c\nA=1\nsops_version=3.13.2\n"))).toBeNull()
    expect(plainDotenvItems(enc("sopsy=1\n"))).toEqual([entry("sopsy", str("1"))])
  })
})

describe("streamDotenv", () => {
  it("should write each line through the walker, in the tree walk's order", () => {
    const { walker, calls } = recording()
    const { sink, pieces } = written()
    streamDotenv([comment(" top"), entry("A", str("a\nb")), entry("B", str("2"))], walker, sink)
    sink.flush()
    expect(pieces).toEqual(["#C( top)\nA=L(a\\nb)\nB=L(2)\n"])
    expect(calls).toEqual([
      "open map",
      "comment  top",
      "key A",
      "leaf string",
      "item true",
      "key B",
      "leaf string",
      "item true",
      "close",
    ])
  })

  it("should escape a newline the walker hands back", () => {
    const walker: StreamWalker = { ...recording().walker, leaf: () => ({ kind: "string", value: "x\ny" }) }
    const { sink, pieces } = written()
    streamDotenv([entry("K", int(1n))], walker, sink)
    sink.flush()
    expect(pieces).toEqual(["K=x\\ny\n"])
  })

  it("should refuse a nested value before writing it", () => {
    const { walker, calls } = recording()
    const { sink, pieces } = written()
    expect(errorOf(() => streamDotenv([entry("A", str("1")), entry("N", map([]))], walker, sink))).toBe(
      "FORMAT dotenv: cannot write nested value N in dotenv format",
    )
    sink.flush()
    expect(pieces).toEqual(["A=L(1)\n"])
    expect(calls).toEqual(["open map", "key A", "leaf string", "item true"])
  })
})

describe("PieceSink", () => {
  it("should gather text into one piece until flushed, and write nothing when empty", () => {
    const { sink, pieces } = written()
    sink.flush()
    expect(pieces).toEqual([])
    sink.add("a")
    sink.add("ü")
    expect(pieces).toEqual([])
    sink.flush()
    sink.flush()
    expect(pieces).toEqual(["aü"])
  })

  it("should hand on a piece as soon as it reaches 64 KiB characters", () => {
    const { sink, pieces } = written()
    sink.add("x".repeat(65535))
    expect(pieces).toEqual([])
    sink.add("y")
    expect(pieces.map((p) => p.length)).toEqual([65536])
    sink.add("z".repeat(65536))
    expect(pieces.map((p) => p.length)).toEqual([65536, 65536])
  })

  it("should drop everything with no writer (a checking pass)", () => {
    const sink = new PieceSink(null)
    sink.add("x".repeat(70000))
    expect(() => sink.flush()).not.toThrow()
  })
})

describe("dotenv corners", () => {
  it("should be a flat format, and write the metadata alone when there are no branches", () => {
    expect(dotenvFormat.flat).toBe(true)
    const text = dec(dotenvFormat.emitSealed([], map([entry("version", str("3.13.2"))])))
    expect(text).toBe("sops_version=3.13.2\n")
  })

  it("should emit a bytes value on its own, as its text", () => {
    expect(dec(dotenvFormat.emitValue(bytes(enc("raw"))))).toBe("raw")
  })

  it("should keep comments with the data when reading metadata, and not take them for metadata", () => {
    const back = dotenvFormat.parseSealed(enc("#sops_c\nA=v\nsops_version=3.13.2\n"), "f.env")
    expect(back.branches).toEqual([map([comment("sops_c"), entry("A", str("v"))])])
    expect(back.metadata).toEqual(map([entry("version", str("3.13.2"))]))
    expect(dotenvFormat.hasMetadata([map([comment("sops_c"), entry("A", str("v"))])])).toBe(false)
  })
})

describe("splitTopLevel", () => {
  const meta = map([entry("version", str("3"))])
  it("should take the sops entry out of every branch and read the first one's", () => {
    const other = map([entry("version", str("other"))])
    const r = splitTopLevel(
      [map([comment("c"), entry("a", str("1")), entry("sops", meta)]), map([entry("sops", other)])],
      "f",
    )
    expect(r).toEqual({ branches: [map([comment("c"), entry("a", str("1"))]), map([])], metadata: meta })
    expect(splitTopLevel([map([entry("a", str("1"))])], "f")).toEqual({
      branches: [map([entry("a", str("1"))])],
      metadata: null,
    })
  })

  it("should refuse two sops entries in one branch and a sops entry that is not a map", () => {
    expect(errorOf(() => splitTopLevel([map([entry("sops", meta), entry("sops", meta)])], "f"))).toBe(
      "FORMAT f: more than one sops metadata entry",
    )
    expect(errorOf(() => splitTopLevel([map([entry("sops", str("x"))])], "f"))).toBe(
      "FORMAT f: the sops entry is not a mapping",
    )
  })
})

describe("unflattenMetadata list indices", () => {
  it.each([
    ["a__list_123456789", "FORMAT f: sops metadata list indices are not contiguous"],
    ["a__list_1234567890", "FORMAT f: sops metadata list index is not a number"],
    ["a__list_1x", "FORMAT f: sops metadata list index is not a number"],
    ["a__list_ 1", "FORMAT f: sops metadata list index is not a number"],
  ])("should tell a canonical index from anything else in %j", (key, message) => {
    expect(errorOf(() => unflattenMetadata([[key, "x"]], "f"))).toBe(message)
  })

  it("should keep map keys in first-seen order and add to a map seen before", () => {
    expect(
      unflattenMetadata(
        [
          ["b__map_y", "1"],
          ["a", "2"],
          ["b__map_x", "3"],
        ],
        "f",
      ),
    ).toEqual(map([entry("b", map([entry("y", str("1")), entry("x", str("3"))])), entry("a", str("2"))]))
  })
})
