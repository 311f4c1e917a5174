import type { Scalar } from "../tree/node.js"
import { checkOnly, type StreamWalker } from "../tree/stream-walk.js"
import { BytesSource, type ByteSource } from "./byte-source.js"
import { ByteWindow, textCheck, type WindowOptions } from "./byte-window.js"
import { jsonScalar, jsonString } from "./json-emit.js"
import { PieceSink } from "./piece-sink.js"

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
// As json-parse.ts: deeper input is the tree path's to refuse, in its words.
const MAX_DEPTH = 1000
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/

class Unsupported extends Error {}
const bail = (): never => {
  throw new Unsupported()
}

/**
 * One pass over a JSON file's bytes, as json-parse.ts reads it and json-emit.ts writes it, with
 * no tree: every value goes through `walker` as it is met and the written text goes to `sink`
 * (the sealed document without its closing brace: the caller appends the `sops` entry). The
 * first pass (a checking walker, no sink) decides whether this path applies: false when the
 * input is anything the tree path would read differently or refuse (a top-level `sops` key,
 * invalid UTF-8, a BOM, a value JSON cannot write back such as 1e999, nesting past 1,000) — the
 * caller then uses the tree path, which reports errors in its words.
 */
export function streamJson(
  input: Uint8Array,
  indent: string,
  walker: StreamWalker,
  sink: PieceSink,
): boolean {
  return streamJsonFrom(new BytesSource(input), indent, walker, sink)
}

/** streamJson over a source (a large file read in pieces, `piece` bytes at a time, never held whole). */
export function streamJsonFrom(
  input: ByteSource,
  indent: string,
  walker: StreamWalker,
  sink: PieceSink,
  piece?: number,
): boolean {
  return run(input, indent, walker, sink, false, piece === undefined ? {} : { piece }) !== null
}

/**
 * The opening side: a sealed file whose last top-level entry is `sops` (as sops and sealbridge
 * write it) is written without that entry, as json-emit.ts writes the opened document (no final
 * newline). Returns where the `sops` value lies in the input, or null when this path does not
 * apply (no `sops` entry, or not the last one, or anything streamJson refuses). The input is
 * read in pieces (`piece` bytes at a time: tests cut every token somewhere).
 */
export function streamOpenJson(
  input: ByteSource,
  indent: string,
  walker: StreamWalker,
  sink: PieceSink,
  piece?: number,
): { start: number; end: number } | null {
  return run(input, indent, walker, sink, true, piece === undefined ? {} : { piece })?.sops ?? null
}

function run(
  input: ByteSource,
  indent: string,
  walker: StreamWalker,
  sink: PieceSink,
  open: boolean,
  opts: WindowOptions,
): JsonStream | null {
  try {
    // Invalid UTF-8 (the tree path's TextDecoder refuses it) can only be inside a string: any
    // other byte above 0x7f is refused by the reader anyway.
    const b = new ByteWindow(input, { ...opts, check: textCheck(bail, false) })
    const s = new JsonStream(b, indent, walker, sink, open)
    s.document()
    return s
  } catch (err) {
    if (err instanceof Unsupported) return null
    throw err
  }
}

class JsonStream {
  i = 0
  depth = 0
  /** Opening: where the top-level `sops` value lies. */
  sops: { start: number; end: number } | null = null
  readonly #b: ByteWindow
  #walker: StreamWalker
  #sink: PieceSink
  readonly #pads: string[] = []
  readonly #indent: string
  readonly #open: boolean

  constructor(b: ByteWindow, indent: string, walker: StreamWalker, sink: PieceSink, open: boolean) {
    this.#b = b
    this.#indent = indent
    this.#walker = walker
    this.#sink = sink
    this.#open = open
  }

  #pad(depth: number): string {
    let p = this.#pads[depth]
    if (p === undefined) {
      p = this.#indent.repeat(depth)
      this.#pads[depth] = p
    }
    return p
  }

  /** The byte at the reading position (undefined at the end). */
  #c(): number | undefined {
    return this.#b.at(this.i, this.i)
  }

  #next(): number | undefined {
    const c = this.#b.at(this.i, this.i)
    this.i++
    return c
  }

  #ws(): void {
    const b = this.#b
    for (;;) {
      const c = b.at(this.i, this.i)
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++
      else break
    }
  }

  /**
   * The top-level object's entries, `{\n` and each entry written; the closing brace is not.
   * What follows that object is not read (sops does not read it either).
   */
  document(): void {
    this.#ws()
    if (this.#c() !== 0x7b) bail()
    if (this.#open) this.#openedRoot()
    else this.#object(0, true)
    if (this.#open && this.sops === null) bail()
  }

  /** The top level of a sealed file without its `sops` entry, which must come last. */
  #openedRoot(): void {
    this.#nest()
    this.i++
    this.#walker.open("map")
    let written = 0
    for (;;) {
      this.#ws()
      if (this.#c() === 0x7d && written === 0 && this.sops === null) {
        this.i++
        break
      }
      if (this.#c() !== 0x22 || this.sops !== null) bail()
      const key = this.#string()
      this.#ws()
      if (this.#c() !== 0x3a) bail()
      this.i++
      this.#ws()
      if (key === "sops") this.#skipSops()
      else {
        this.#sink.add(`${written++ === 0 ? "{\n" : ",\n"}${this.#pad(1)}${jsonString(key)}: `)
        this.#walker.key(key)
        this.#value(1)
        this.#walker.item(true)
      }
      this.#ws()
      const c = this.#next()
      if (c === 0x7d) break
      if (c !== 0x2c) bail()
    }
    this.#sink.add(written === 0 ? "{}" : "\n}")
    this.#walker.close()
    this.depth--
  }

  /** Reads past the `sops` value (checked as JSON, neither opened nor written). */
  #skipSops(): void {
    const [walker, sink] = [this.#walker, this.#sink]
    this.#walker = checkOnly
    this.#sink = new PieceSink(null)
    const start = this.i
    this.#value(1)
    this.sops = { start, end: this.i }
    this.#walker = walker
    this.#sink = sink
  }

  #value(depth: number): void {
    const c = this.#c()
    if (c === 0x7b) return this.#object(depth, false)
    if (c === 0x5b) return this.#array(depth)
    let v: Scalar
    if (c === 0x22) v = { kind: "string", value: this.#string() }
    else if (c === 0x74 && this.#word("true")) v = { kind: "bool", value: true }
    else if (c === 0x66 && this.#word("false")) v = { kind: "bool", value: false }
    else if (c === 0x6e && this.#word("null")) v = { kind: "null" }
    else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) v = this.#number()
    else return bail()
    this.#sink.add(jsonScalar(this.#walker.leaf(v)))
  }

  #word(w: string): boolean {
    if (this.#b.text(this.i, this.i + w.length, "latin1") !== w) return false
    this.i += w.length
    return true
  }

  #nest(): void {
    if (++this.depth > MAX_DEPTH) bail()
  }

  #object(depth: number, root: boolean): void {
    this.#nest()
    this.i++
    this.#walker.open("map")
    this.#ws()
    const empty = this.#c() === 0x7d
    if (empty && !root) this.#sink.add("{}")
    else this.#sink.add("{\n")
    if (empty) this.i++
    for (let first = true; !empty; first = false) {
      this.#ws()
      if (this.#c() !== 0x22) bail()
      const key = this.#string()
      if (root && key === "sops") bail() // already sealed: the tree path says so
      this.#ws()
      if (this.#c() !== 0x3a) bail()
      this.i++
      this.#ws()
      this.#sink.add(`${first ? "" : ",\n"}${this.#pad(depth + 1)}${jsonString(key)}: `)
      this.#walker.key(key)
      this.#value(depth + 1)
      this.#walker.item(true)
      this.#ws()
      const c = this.#next()
      if (c === 0x7d) {
        if (root) this.#sink.add(",\n")
        else this.#sink.add(`\n${this.#pad(depth)}}`)
        break
      }
      if (c !== 0x2c) bail()
    }
    this.#walker.close()
    this.depth--
  }

  #array(depth: number): void {
    this.#nest()
    this.i++
    this.#walker.open("list")
    this.#ws()
    if (this.#c() === 0x5d) {
      this.i++
      this.#sink.add("[]")
    } else {
      this.#sink.add("[\n")
      for (let first = true; ; first = false) {
        this.#ws()
        this.#sink.add(first ? this.#pad(depth + 1) : `,\n${this.#pad(depth + 1)}`)
        this.#value(depth + 1)
        this.#walker.item(false)
        this.#ws()
        const c = this.#next()
        if (c === 0x5d) break
        if (c !== 0x2c) bail()
      }
      this.#sink.add(`\n${this.#pad(depth)}]`)
    }
    this.#walker.close()
    this.depth--
  }

  /** A string token's value, as json-parse.ts reads it (JSON.parse where it has escapes: the same rules). */
  #string(): string {
    const b = this.#b
    const start = this.i + 1
    const j = b.stringEnd(start, this.i)
    if (j === -1) return bail()
    this.i = j + 1
    if (!b.escaped) return b.text(start, j, "utf8")
    try {
      return JSON.parse(b.text(start - 1, j + 1, "utf8")) as string
    } catch {
      return bail()
    }
  }

  #number(): Scalar {
    const b = this.#b
    let j = this.i
    for (;;) {
      const c = b.at(j, this.i)
      // digits, - + . e E: the longest run a number could be; all of it must be the number
      if (
        c !== undefined &&
        ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45)
      )
        j++
      else break
    }
    const text = b.text(this.i, j, "latin1")
    const m = NUMBER.exec(text)
    if (m === null) return bail()
    this.i = j
    if (m[2] === undefined && m[3] === undefined) {
      const v = BigInt(text)
      if (v >= INT64_MIN && v <= INT64_MAX) return { kind: "int", value: v }
    }
    const f = Number(text)
    // Not finite (1e999): JSON cannot write it back if it stays unsealed; the tree path decides.
    if (!Number.isFinite(f)) bail()
    return { kind: "float", value: f }
  }
}
