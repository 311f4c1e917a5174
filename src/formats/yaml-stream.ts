import type { Scalar } from "../tree/node.js"
import type { ContainerKind, StreamWalker } from "../tree/stream-walk.js"
import { BytesSource, readRange, type ByteSource } from "./byte-source.js"
import { ByteWindow, textCheck, type WindowOptions } from "./byte-window.js"
import { LineCursor } from "./line-cursor.js"
import type { PieceSink } from "./piece-sink.js"
import { readLineEvents, Unsupported, type YamlEvents } from "./yaml-line-read.js"
import { keyText, nextIndent, writeScalar } from "./yaml-write.js"

/**
 * One pass over a YAML file's bytes in the line reader's block subset (yaml-line-read.ts), with
 * no tree: every value and comment goes through `walker` as it is met and the text yaml-write.ts
 * would write for the sealed document goes to `sink`, without the `sops` entry (the caller
 * appends it). `checking`: the first pass, which only decides whether this path applies (false
 * for anything the line reader hands over, invalid UTF-8, or a top-level `sops` key), and checks
 * duplicate keys, so the second pass need not hold every key of a map. The tree path then reads
 * what this path refuses, and reports its errors.
 */
export function streamYaml(
  input: Uint8Array,
  best: number,
  walker: StreamWalker,
  sink: PieceSink,
  checking: boolean,
): boolean {
  return streamYamlFrom(new BytesSource(input), {}, best, walker, sink, checking)
}

/**
 * streamYaml over a source read in pieces: bytes `start`..`end` of it (a sealed file's data part,
 * before its `sops:` block), `piece` bytes at a time.
 */
export function streamYamlFrom(
  source: ByteSource,
  range: Pick<WindowOptions, "start" | "end" | "piece">,
  best: number,
  walker: StreamWalker,
  sink: PieceSink,
  checking: boolean,
  sopsAfter = false,
): boolean {
  // TextDecoder (the tree path) drops one leading byte-order mark; the line reader refuses any other.
  const from = range.start ?? 0
  const start = readRange(source, from, from + 3).equals(BOM) ? from + 3 : from
  const events = checking ? new CheckEvents() : new WriteEvents(best, walker, sink)
  try {
    const window = new ByteWindow(source, { ...range, start, check: textCheck(refuse, true) })
    readLineEvents(
      LineCursor.ofWindow(window, start, Math.min(range.end ?? source.size, source.size)),
      events,
      checking,
      sopsAfter,
    )
    return true
  } catch (err) {
    if (err instanceof Unsupported) return false
    throw err
  }
}

const BOM = Buffer.from("\ufeff")
const refuse = (): never => {
  throw new Unsupported()
}

/** The first pass: refuses a top-level `sops` key (already sealed: the tree path says so). */
class CheckEvents implements YamlEvents {
  #depth = 0
  mapStart(): void {
    this.#depth++
  }
  mapEnd(): void {
    this.#depth--
  }
  listStart(): void {
    this.#depth++
  }
  listEnd(): void {
    this.#depth--
  }
  emptyMap(): void {}
  emptyList(): void {}
  key(key: string): void {
    if (this.#depth === 1 && key === "sops") throw new Unsupported()
  }
  scalar(): void {}
  comment(): void {}
}

interface Frame {
  readonly map: boolean
  /** Output column of the items. */
  readonly indent: number
  /** Text already on the line for the first item (a sequence item's "- "), else null. */
  lead: string | null
  /** The written `key:` of the entry whose value comes next. */
  head: string
}

/**
 * Writes what yaml-write.ts writes (writeMapItems, writeListItems, writeValue) for the items as
 * they come: the line reader's subset has no inline comments and no empty block collections.
 */
class WriteEvents implements YamlEvents {
  readonly #open: Frame[] = []
  readonly #best: number
  readonly #walker: StreamWalker
  readonly #sink: PieceSink
  readonly #pads: string[] = []
  readonly #lines: string[] = []

  constructor(best: number, walker: StreamWalker, sink: PieceSink) {
    this.#best = best
    this.#walker = walker
    this.#sink = sink
  }

  #pad(n: number): string {
    let p = this.#pads[n]
    if (p === undefined) {
      p = " ".repeat(n)
      this.#pads[n] = p
    }
    return p
  }

  #top(): Frame {
    const top = this.#open[this.#open.length - 1]
    if (top === undefined) throw new Error("yaml stream: an item outside any collection")
    return top
  }

  /** The text in front of the next item of the open collection. */
  #prefix(top: Frame): string {
    const p = top.lead ?? this.#pad(top.indent)
    top.lead = null
    return p
  }

  #start(map: boolean): void {
    const parent = this.#open[this.#open.length - 1]
    this.#walker.open(map ? "map" : "list")
    if (parent === undefined) return void this.#open.push({ map, indent: 0, lead: null, head: "" })
    if (parent.map) {
      this.#sink.add(`${parent.head}\n`)
      this.#open.push({ map, indent: nextIndent(parent.indent, this.#best), lead: null, head: "" })
    } else {
      const lead = `${this.#prefix(parent)}- `
      this.#open.push({ map, indent: parent.indent + 2, lead, head: "" })
    }
  }

  #end(): void {
    this.#open.pop()
    this.#walker.close()
    const parent = this.#open[this.#open.length - 1]
    if (parent !== undefined) this.#walker.item(parent.map)
  }

  mapStart(): void {
    this.#start(true)
  }
  listStart(): void {
    this.#start(false)
  }
  mapEnd(): void {
    this.#end()
  }
  listEnd(): void {
    this.#end()
  }
  emptyMap(): void {
    this.#empty("map", "{}")
  }
  emptyList(): void {
    this.#empty("list", "[]")
  }

  #empty(kind: ContainerKind, text: string): void {
    const top = this.#top()
    this.#walker.open(kind)
    this.#walker.close()
    this.#sink.add(`${top.map ? top.head : `${this.#prefix(top)}-`} ${text}\n`)
    this.#walker.item(top.map)
  }

  key(key: string): void {
    const top = this.#top()
    top.head = `${this.#prefix(top)}${keyText(key)}:`
    this.#walker.key(key)
  }

  scalar(value: Scalar): void {
    const top = this.#top()
    const v = this.#walker.leaf(value)
    const lines = this.#lines
    writeScalar(lines, top.map ? top.head : `${this.#prefix(top)}-`, v, top.indent, this.#best, !top.map)
    for (const line of lines) this.#sink.add(line)
    lines.length = 0
    this.#walker.item(top.map)
  }

  comment(text: string): void {
    const top = this.#top()
    this.#sink.add(`${this.#prefix(top)}#${this.#walker.comment(text)}\n`)
  }
}
