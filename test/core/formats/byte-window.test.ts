import { describe, expect, it } from "vitest"
import { BytesSource, lastIndexIn, readRange, type ByteSource } from "../../../src/formats/byte-source.js"
import { ByteWindow, PIECE_BYTES, textCheck } from "../../../src/formats/byte-window.js"
import { LineCursor } from "../../../src/formats/line-cursor.js"

// The byte window, byte sources and line cursor the one-pass readers stand on (issue 8, mutation
// testing): every read a window asks of its source (position and length), every piece its check
// sees, and the exact values it gives back, over whole bytes and over a file read in pieces.

/** A source that is not a BytesSource (no reader takes it whole) and records each read. */
function recording(
  text: string | Uint8Array,
  short = Infinity,
): ByteSource & { readonly reads: [number, number][] } {
  const inner = new BytesSource(typeof text === "string" ? Buffer.from(text, "latin1") : text)
  const reads: [number, number][] = []
  return {
    size: inner.size,
    reads,
    read: (into, at) => {
      reads.push([at, into.length])
      return inner.read(into.subarray(0, Math.min(into.length, short)), at)
    },
  }
}

/** A check that records each piece it sees (as text, null at the end). */
function checks(): { seen: (string | null)[]; check: (piece: Buffer | null) => void } {
  const seen: (string | null)[] = []
  return { seen, check: (p) => void seen.push(p === null ? null : p.toString("latin1")) }
}

const ch = (c: string): number => c.charCodeAt(0)

describe("ByteWindow over whole bytes", () => {
  it("should be the bytes themselves, checked once and then ended, from start to end", () => {
    const { seen, check } = checks()
    const w = new ByteWindow(new BytesSource(Buffer.from("abcdefg")), { start: 2, end: 5, check })
    expect(seen).toEqual(["cde", null])
    expect(w.at(2, 2)).toBe(ch("c"))
    expect(w.at(4, 2)).toBe(ch("e"))
    expect(w.at(5, 2)).toBeUndefined()
    expect(w.text(2, 5, "latin1")).toBe("cde")
    expect(w.text(3, 9, "latin1")).toBe("de")
    expect(w.indexOf(ch("e"), 2)).toBe(4)
    expect(w.indexOf(ch("f"), 2)).toBe(-1)
  })

  it("should stop at the source's end when the end asked for lies beyond it", () => {
    const { seen, check } = checks()
    const w = new ByteWindow(new BytesSource(Buffer.from("abc")), { end: 10, check })
    expect(seen).toEqual(["abc", null])
    expect(w.at(2, 0)).toBe(ch("c"))
    expect(w.at(3, 0)).toBeUndefined()
  })

  it("should read a BytesSource in pieces when a piece size is given", () => {
    const { seen, check } = checks()
    const w = new ByteWindow(new BytesSource(Buffer.from("abcdef")), { piece: 4, check })
    expect(seen).toEqual([])
    expect(w.at(0, 0)).toBe(ch("a"))
    expect(seen).toEqual(["abcd"])
    expect(w.at(5, 4)).toBe(ch("f"))
    expect(seen).toEqual(["abcd", "ef"])
  })
})

describe("ByteWindow over a file read in pieces", () => {
  it("should read one piece at a time, dropping what lies before keep, and end without a read", () => {
    const src = recording("abcdefghij")
    const { seen, check } = checks()
    const w = new ByteWindow(src, { piece: 4, check })
    const got: (number | undefined)[] = []
    for (let p = 0; p <= 11; p++) got.push(w.at(p, p))
    expect(Buffer.from(got.slice(0, 10) as number[]).toString()).toBe("abcdefghij")
    expect(got.slice(10)).toEqual([undefined, undefined])
    expect(src.reads).toEqual([
      [0, 4],
      [4, 4],
      [8, 2],
    ])
    expect(seen).toEqual(["abcd", "efgh", "ij", null])
  })

  it("should read from start and stop at end", () => {
    const src = recording("abcdefghij")
    const { seen, check } = checks()
    const w = new ByteWindow(src, { piece: 3, start: 2, end: 7, check })
    expect(w.at(2, 2)).toBe(ch("c"))
    expect(w.at(5, 5)).toBe(ch("f"))
    expect(w.at(6, 5)).toBe(ch("g"))
    expect(w.at(7, 5)).toBeUndefined()
    expect(src.reads).toEqual([
      [2, 3],
      [5, 2],
    ])
    expect(seen).toEqual(["cde", "fg", null])
  })

  it("should grow by doubling while a token is kept whole", () => {
    const text = "0123456789abcdefghijklmnopqrstuvwxyz"
    const src = recording(text)
    const { seen, check } = checks()
    const w = new ByteWindow(src, { piece: 4, check })
    for (let p = 0; p < text.length; p++) expect(w.at(p, 0)).toBe(text.charCodeAt(p))
    expect(w.at(text.length, 0)).toBeUndefined()
    // room 4, then 8 - 4, 16 - 8, 32 - 16, 64 - 32 (only 4 bytes left)
    expect(src.reads).toEqual([
      [0, 4],
      [4, 4],
      [8, 8],
      [16, 16],
      [32, 4],
    ])
    expect(seen).toEqual(["0123", "4567", "89abcdef", "ghijklmnopqrstuv", "wxyz", null])
    expect(w.text(0, text.length, "latin1")).toBe(text)
  })

  it("should keep the bytes from keep when it moves them to the front", () => {
    const src = recording("abcdefghij")
    const w = new ByteWindow(src, { piece: 4 })
    expect(w.at(0, 0)).toBe(ch("a"))
    expect(w.at(4, 2)).toBe(ch("e"))
    expect(src.reads).toEqual([
      [0, 4],
      [4, 6],
    ])
    expect(w.at(2, 2)).toBe(ch("c"))
    expect(w.at(3, 2)).toBe(ch("d"))
    expect(w.text(2, 10, "latin1")).toBe("cdefghij")
    expect(w.at(9, 9)).toBe(ch("j"))
  })

  it("should read a byte at a time for a piece of 0", () => {
    const src = recording("abc")
    const w = new ByteWindow(src, { piece: 0 })
    expect(w.at(0, 0)).toBe(ch("a"))
    expect(w.at(1, 1)).toBe(ch("b"))
    expect(w.at(2, 2)).toBe(ch("c"))
    expect(w.at(3, 3)).toBeUndefined()
    expect(src.reads).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ])
  })

  it("should take 64 KiB pieces by default and read on after a short read", () => {
    expect(PIECE_BYTES).toBe(65536)
    const bytes = Buffer.alloc(70000, 0x61)
    const src = recording(bytes, 1000)
    const w = new ByteWindow(src)
    expect(w.at(0, 0)).toBe(0x61)
    expect(w.at(999, 0)).toBe(0x61)
    expect(src.reads).toEqual([[0, 65536]])
    expect(w.at(1000, 0)).toBe(0x61)
    expect(src.reads).toEqual([
      [0, 65536],
      [1000, 69000],
    ])
  })

  it("should end where the source gives nothing more, even before its size", () => {
    const src: ByteSource = {
      size: 10,
      read: (into, at) =>
        into.fill(0x78, 0, Math.max(0, Math.min(into.length, 3 - at))).length &&
        Math.max(0, Math.min(into.length, 3 - at)),
    }
    const { seen, check } = checks()
    const w = new ByteWindow(src, { piece: 2, check })
    expect(w.at(0, 0)).toBe(0x78)
    expect(w.at(2, 2)).toBe(0x78)
    expect(w.at(3, 3)).toBeUndefined()
    expect(w.at(4, 3)).toBeUndefined()
    expect(seen).toEqual(["xx", "x", null])
  })
})

describe("ByteWindow.stringEnd", () => {
  it("should find the closing quote and whether an escape came before it", () => {
    const w = new ByteWindow(new BytesSource(Buffer.from('"ab c"x"\\"\\\\"')))
    expect(w.escaped).toBe(false)
    expect(w.stringEnd(1, 0)).toBe(5)
    expect(w.escaped).toBe(false)
    expect(w.stringEnd(8, 7)).toBe(12)
    expect(w.escaped).toBe(true)
    expect(w.stringEnd(1, 0)).toBe(5)
    expect(w.escaped).toBe(false)
  })

  it("should give -1 at a control character and at the end of the input", () => {
    expect(new ByteWindow(new BytesSource(Buffer.from('"a\u001fb"'))).stringEnd(1, 0)).toBe(-1)
    expect(new ByteWindow(new BytesSource(Buffer.from('"a\nb"'))).stringEnd(1, 0)).toBe(-1)
    expect(new ByteWindow(new BytesSource(Buffer.from('"ab'))).stringEnd(1, 0)).toBe(-1)
    expect(new ByteWindow(new BytesSource(Buffer.from('"ab\\"'))).stringEnd(1, 0)).toBe(-1)
    expect(new ByteWindow(new BytesSource(Buffer.from('"\u007f!"'))).stringEnd(1, 0)).toBe(3)
  })

  it("should scan across pieces, an escape cut between them too", () => {
    for (let piece = 1; piece <= 6; piece++) {
      const src = recording('x "ab\\"cd\\\\" y')
      const w = new ByteWindow(src, { piece })
      expect(w.at(0, 0)).toBe(ch("x"))
      expect(w.at(1, 1)).toBe(ch(" "))
      expect(w.at(2, 2)).toBe(ch('"'))
      expect(w.stringEnd(3, 2)).toBe(11)
      expect(w.escaped).toBe(true)
      expect(w.text(2, 12, "latin1")).toBe('"ab\\"cd\\\\"')
      expect(w.at(12, 12)).toBe(ch(" "))
      expect(w.at(13, 13)).toBe(ch("y"))
      const plain = new ByteWindow(recording('"abcdefg" '), { piece })
      expect(plain.stringEnd(1, 0)).toBe(8)
      expect(plain.escaped).toBe(false)
      expect(new ByteWindow(recording('"abc\\'), { piece }).stringEnd(1, 0)).toBe(-1)
    }
  })
})

describe("ByteWindow.indexOf", () => {
  it("should find a byte across pieces, or -1 before the end", () => {
    const w = new ByteWindow(recording("ab\ncdefg\nh"), { piece: 3 })
    expect(w.indexOf(10, 0)).toBe(2)
    expect(w.indexOf(10, 2)).toBe(2)
    expect(w.indexOf(10, 3)).toBe(8)
    expect(w.text(3, 8, "latin1")).toBe("cdefg")
    expect(w.indexOf(10, 9)).toBe(-1)
    expect(w.text(9, 10, "latin1")).toBe("h")
  })

  it("should not see the bytes a short last read left behind in the buffer", () => {
    const src = recording("abc\nd")
    const w = new ByteWindow(src, { piece: 4 })
    expect(w.indexOf(10, 0)).toBe(3)
    expect(w.indexOf(10, 4)).toBe(-1)
    expect(w.at(4, 4)).toBe(ch("d"))
    expect(src.reads).toEqual([
      [0, 4],
      [4, 1],
    ])
  })

  it("should search whole bytes from the position asked", () => {
    const w = new ByteWindow(new BytesSource(Buffer.from("a;b;c")), { start: 1 })
    expect(w.indexOf(ch(";"), 1)).toBe(1)
    expect(w.indexOf(ch(";"), 2)).toBe(3)
    expect(w.indexOf(ch(";"), 4)).toBe(-1)
  })
})

describe("ByteWindow.text", () => {
  it("should read on to the end of the text asked for, and cut it at the end of the input", () => {
    const src = recording("héllo wörld", 3)
    const w = new ByteWindow(src, { piece: 3 })
    expect(w.at(0, 0)).toBe(ch("h"))
    expect(w.text(0, 6, "latin1")).toBe("héllo ")
    expect(w.text(1, 1, "latin1")).toBe("")
    expect(w.text(6, 20, "latin1")).toBe("wörld")
    expect(w.text(11, 15, "latin1")).toBe("")
  })

  it("should read just up to the end of the text asked for", () => {
    const src = recording("abcdefgh")
    const w = new ByteWindow(src, { piece: 2 })
    expect(w.at(0, 0)).toBe(ch("a"))
    expect(w.text(0, 4, "latin1")).toBe("abcd")
    expect(src.reads).toEqual([
      [0, 2],
      [2, 2],
    ])
  })

  it("should give utf8 text from the kept bytes", () => {
    const bytes = Buffer.from("héllo wörld")
    const w = new ByteWindow(recording(bytes), { piece: 2 })
    expect(w.text(0, bytes.length, "utf8")).toBe("héllo wörld")
    expect(w.text(7, bytes.length, "utf8")).toBe("wörld")
  })

  it("should not read for empty text at the end of what it holds", () => {
    const src = recording("abcdefgh")
    const w = new ByteWindow(src, { piece: 4 })
    expect(w.at(0, 0)).toBe(ch("a"))
    expect(w.text(5, 5, "latin1")).toBe("")
    expect(w.text(4, 4, "latin1")).toBe("")
    expect(src.reads).toEqual([[0, 4]])
    expect(w.text(4, 5, "latin1")).toBe("e")
    expect(src.reads).toEqual([
      [0, 4],
      [4, 4],
    ])
  })
})

describe("textCheck", () => {
  class Refused extends Error {}
  const refuse = (): never => {
    throw new Refused()
  }
  /** Feeds the pieces, then the end: "ok", or where it was refused ("piece N" or "end"). */
  function feed(lineRules: boolean, ...pieces: number[][]): string {
    const check = textCheck(refuse, lineRules)
    for (const [i, p] of pieces.entries()) {
      try {
        check(Buffer.from(p))
      } catch (err) {
        if (err instanceof Refused) return `piece ${i}`
        throw err
      }
    }
    try {
      check(null)
    } catch (err) {
      if (err instanceof Refused) return "end"
      throw err
    }
    return "ok"
  }
  const b = (s: string): number[] => [...Buffer.from(s)]

  it("should pass valid UTF-8, a character cut anywhere between pieces too", () => {
    expect(feed(false)).toBe("ok")
    expect(feed(false, b("abc"), b("é"), [])).toBe("ok")
    expect(feed(false, [0x61, 0xc3], [0xa9, 0x62])).toBe("ok")
    // U+0800 (E0 A0 80) and U+10000 (F0 90 80 80), cut after every byte
    expect(feed(false, [0xe0], [0xa0], [0x80])).toBe("ok")
    expect(feed(false, [0x61, 0xe0, 0xa0], [0x80])).toBe("ok")
    expect(feed(false, [0xf0], [0x90, 0x80, 0x80])).toBe("ok")
    expect(feed(false, [0x61, 0xf0, 0x90], [0x80, 0x80])).toBe("ok")
    expect(feed(false, [0x61, 0xf0, 0x90, 0x80], [0x80])).toBe("ok")
    expect(feed(false, [0xf4, 0x8f, 0xbf, 0xbf])).toBe("ok")
    expect(feed(false, [0xef, 0xbf, 0xbd])).toBe("ok")
    expect(feed(false, b("x"), [0xf0, 0x9f], [0x98], [0x80, 0x41])).toBe("ok")
  })

  it("should refuse invalid UTF-8 in the piece it is in, and a cut character at the end", () => {
    expect(feed(false, b("ab"), [0x61, 0xff, 0x62])).toBe("piece 1")
    expect(feed(false, b("ab"), [0xff])).toBe("end")
    expect(feed(false, [0x80])).toBe("piece 0")
    expect(feed(false, [0x61, 0xc3])).toBe("end")
    expect(feed(false, [0xe2, 0x82])).toBe("end")
    expect(feed(false, [0x61, 0xc3], [0x41])).toBe("piece 1")
    expect(feed(false, [0x61, 0xc0])).toBe("end")
    expect(feed(false, [0x61, 0xc0], [0x80])).toBe("piece 1")
    expect(feed(false, [0xc3, 0x80, 0x80, 0x80])).toBe("piece 0")
    expect(feed(false, [0xed, 0xa0, 0x80])).toBe("piece 0")
  })

  it("should refuse a tab, a carriage return or a byte-order mark only under the line rules", () => {
    for (const s of ["a\tb", "a\r\nb", "a\ufeffb"]) {
      expect(feed(false, b(s))).toBe("ok")
      expect(feed(true, b(s))).toBe("piece 0")
    }
    expect(feed(true, b("a b\n"))).toBe("ok")
    expect(feed(true, [0x61, 0xef, 0xbb], [0xbf])).toBe("piece 1")
    expect(feed(true, [0x61, 0xef], [0xbb, 0xbe])).toBe("ok")
  })
})

describe("BytesSource and its helpers", () => {
  it("should take a Buffer as it is and a view over its own bytes only", () => {
    const buf = Buffer.from("hello")
    expect(new BytesSource(buf).bytes).toBe(buf)
    const whole = Uint8Array.from([1, 2, 3, 4, 5, 6])
    const view = whole.subarray(2, 5)
    const s = new BytesSource(view)
    expect(Buffer.isBuffer(s.bytes)).toBe(true)
    expect([...s.bytes]).toEqual([3, 4, 5])
    expect(s.size).toBe(3)
    whole[3] = 40
    expect(s.bytes[1]).toBe(40) // no copy
  })

  it("should read up to the room given, and nothing at or past the end", () => {
    const s = new BytesSource(Buffer.from("abcdef"))
    const into = Buffer.alloc(4, 0x2e)
    expect(s.read(into, 1)).toBe(4)
    expect(into.toString()).toBe("bcde")
    expect(s.read(into, 4)).toBe(2)
    expect(into.toString()).toBe("efde")
    expect(s.read(into, 6)).toBe(0)
    expect(s.read(into, 9)).toBe(0)
    expect(into.toString()).toBe("efde")
  })

  it("readRange should give the range, shorter at the end, from any source", () => {
    const bytes = Buffer.from("0123456789")
    const whole = new BytesSource(bytes)
    expect(readRange(whole, 2, 5).toString()).toBe("234")
    expect(readRange(whole, 2, 5).buffer).toBe(bytes.buffer)
    const src = recording(bytes, 2)
    expect(readRange(src, 3, 8).toString()).toBe("34567")
    expect(src.reads).toEqual([
      [3, 5],
      [5, 3],
      [7, 1],
    ])
    expect(readRange(recording(bytes, 3), 7, 14).toString()).toBe("789")
    expect(readRange(recording(bytes), 5, 3).length).toBe(0)
    expect(readRange(recording(bytes), 4, 4).length).toBe(0)
  })

  it("lastIndexIn should find the last occurrence, across the pieces' cuts too", () => {
    const text = "sops: a\nsops:\nxx sops:\nyy"
    const bytes = Buffer.from(text)
    const needle = Buffer.from("sops:")
    expect(lastIndexIn(new BytesSource(bytes), needle)).toBe(17)
    for (let piece = 1; piece <= 30; piece++) {
      expect(lastIndexIn(recording(bytes), needle, piece)).toBe(17)
      expect(lastIndexIn(recording(bytes.subarray(0, 21)), needle, piece)).toBe(8)
      expect(lastIndexIn(recording(bytes.subarray(0, 12)), needle, piece)).toBe(0)
      expect(lastIndexIn(recording(bytes.subarray(1, 12)), needle, piece)).toBe(-1)
    }
    expect(lastIndexIn(recording(bytes), needle)).toBe(17)
    expect(lastIndexIn(recording(""), needle)).toBe(-1)
    expect(lastIndexIn(new BytesSource(Buffer.alloc(0)), needle)).toBe(-1)
  })

  it("lastIndexIn should read the source from its end, a piece and the overlap at a time", () => {
    const src = recording("abcdefghij")
    expect(lastIndexIn(src, Buffer.from("cde"), 4)).toBe(2)
    expect(src.reads).toEqual([
      [6, 4],
      [2, 6],
    ])
    const far = recording("ab" + "x".repeat(70000))
    expect(lastIndexIn(far, Buffer.from("ab"))).toBe(0)
    expect(far.reads).toEqual([
      [70002 - 65536, 65536],
      [0, 70002 - 65536 + 1],
    ])
  })
})

describe("LineCursor", () => {
  const lines = (c: LineCursor): [number, string][] => {
    const out: [number, string][] = []
    for (let line = c.line(); line !== undefined; c.next(), line = c.line()) out.push([c.index, line])
    return out
  }

  it("should give the lines split('\\n') gives, numbered", () => {
    for (const text of ["a\n\nbc", "a\n", "", "\n", "x", "ab\ncd\n\n"])
      expect(lines(LineCursor.ofText(text))).toEqual(text.split("\n").map((l, i) => [i, l]))
  })

  it("should stay at the end once past the last line", () => {
    const c = LineCursor.ofText("a\nb")
    expect(c.line()).toBe("a")
    expect(c.line()).toBe("a")
    c.next()
    expect([c.index, c.line()]).toEqual([1, "b"])
    c.next()
    expect([c.index, c.line()]).toEqual([2, undefined])
    c.next()
    expect([c.index, c.line()]).toEqual([2, undefined])
  })

  it("should give the lines of a window's bytes start..end, the same in any piece size", () => {
    const bytes = Buffer.from("skip\nhé\n\nwörld\nlast\nafter")
    for (const piece of [1, 2, 3, 5, 64]) {
      const w = new ByteWindow(recording(bytes), { piece, start: 5 })
      expect(lines(LineCursor.ofWindow(w, 5, 22))).toEqual([
        [0, "hé"],
        [1, ""],
        [2, "wörld"],
        [3, "last"],
        [4, ""],
      ])
      const cut = new ByteWindow(recording(bytes), { piece, start: 5, end: 19 })
      expect(lines(LineCursor.ofWindow(cut, 5, 19))).toEqual([
        [0, "hé"],
        [1, ""],
        [2, "wörld"],
        [3, "la"],
      ])
      const w2 = new ByteWindow(recording(bytes), { piece, start: 5 })
      expect(lines(LineCursor.ofWindow(w2, 5, 21))).toEqual([
        [0, "hé"],
        [1, ""],
        [2, "wörld"],
        [3, "last"],
      ])
    }
  })
})
