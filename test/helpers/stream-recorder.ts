import { PieceSink } from "../../src/formats/piece-sink.js"
import type { Scalar } from "../../src/tree/node.js"
import type { StreamWalker } from "../../src/tree/stream-walk.js"

// What a one-pass format reader does, kept for exact comparison (the format stream tests): the
// walk it reports to its walker, call by call, and the text it writes to its sink.

/** How a recording walker answers: what it hands back for each leaf and comment (default: itself). */
export interface WalkerAnswers {
  leaf?: (value: Scalar) => Scalar
  comment?: (text: string) => string
}

/**
 * A walker that records each call as a line ("open map", "close", "key a", "item true",
 * "leaf int:1", "leaf null", "leaf bytes:?", "comment  c") and answers as `answers` says.
 */
export function recordingWalker(answers: WalkerAnswers = {}): { events: string[]; walker: StreamWalker } {
  const events: string[] = []
  const show = (v: Scalar): string =>
    v.kind === "null" ? "null" : `${v.kind}:${v.kind === "bytes" ? "?" : String(v.value)}`
  const walker: StreamWalker = {
    open: (kind) => void events.push(`open ${kind}`),
    close: () => void events.push("close"),
    key: (k) => void events.push(`key ${k}`),
    item: (isEntry) => void events.push(`item ${isEntry}`),
    leaf: (v) => {
      events.push(`leaf ${show(v)}`)
      return answers.leaf === undefined ? v : answers.leaf(v)
    },
    comment: (t) => {
      events.push(`comment ${t}`)
      return answers.comment === undefined ? t : answers.comment(t)
    },
  }
  return { events, walker }
}

/** A sink that keeps every piece it is handed; `text()` flushes it and gives all it wrote. */
export function textSink(): { sink: PieceSink; text: () => string } {
  const out: Buffer[] = []
  const sink = new PieceSink((p) => out.push(Buffer.from(p)))
  return {
    sink,
    text: () => {
      sink.flush()
      return Buffer.concat(out).toString()
    },
  }
}
