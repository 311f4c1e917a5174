/**
 * A small scanner over JSON text that keeps each value's raw span. gjson (what ESO uses for
 * `property`) returns objects, arrays and integers as their original text, so parsing into JS
 * values would change output (key spacing, big integers); scanning spans keeps it exact.
 */

export type JsonKind = "object" | "array" | "string" | "number" | "true" | "false" | "null"

export interface Span {
  readonly kind: JsonKind
  readonly start: number
  readonly end: number
}

/** Thrown on malformed JSON; callers turn it into a BridgeError naming the key. */
export class JsonScanError extends Error {
  override name = "JsonScanError"
}

const WS = new Set([" ", "\t", "\n", "\r"])

export function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text[i] ?? "")) i++
  return i
}

/** The span of the one value starting at (or after whitespace from) `i`. */
export function scanValue(text: string, i: number): Span {
  const start = skipWs(text, i)
  const c = text[start]
  if (c === "{") return { kind: "object", start, end: skipContainer(text, start, "{", "}") }
  if (c === "[") return { kind: "array", start, end: skipContainer(text, start, "[", "]") }
  if (c === '"') return { kind: "string", start, end: skipString(text, start) }
  for (const lit of ["true", "false", "null"] as const) {
    if (text.startsWith(lit, start)) return { kind: lit, start, end: start + lit.length }
  }
  const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(start, start + 400))
  if (m !== null && m[0] !== "") return { kind: "number", start, end: start + m[0].length }
  throw new JsonScanError(`unexpected character at offset ${start}`)
}

/** The whole text as one JSON value, or null when it is not (exactly one) JSON value. */
export function scanDocument(text: string): Span | null {
  try {
    const span = scanValue(text, 0)
    return skipWs(text, span.end) === text.length ? span : null
  } catch (err) {
    if (err instanceof JsonScanError) return null
    throw err
  }
}

function skipString(text: string, start: number): number {
  let i = start + 1
  while (i < text.length) {
    const c = text[i]
    if (c === "\\") i += 2
    else if (c === '"') return i + 1
    else i++
  }
  throw new JsonScanError(`unterminated string at offset ${start}`)
}

function skipContainer(text: string, start: number, open: string, close: string): number {
  let i = skipWs(text, start + 1)
  if (text[i] === close) return i + 1
  for (;;) {
    if (open === "{") {
      const key = scanValue(text, i)
      if (key.kind !== "string") throw new JsonScanError(`object key expected at offset ${key.start}`)
      i = skipWs(text, key.end)
      if (text[i] !== ":") throw new JsonScanError(`":" expected at offset ${i}`)
      i++
    }
    i = skipWs(text, scanValue(text, i).end)
    if (text[i] === ",") i = skipWs(text, i + 1)
    else if (text[i] === close) return i + 1
    else throw new JsonScanError(`"," or "${close}" expected at offset ${i}`)
  }
}

/** Object members in document order: decoded key and value span. */
export function* objectEntries(text: string, obj: Span): Generator<[string, Span]> {
  let i = skipWs(text, obj.start + 1)
  if (text[i] === "}") return
  for (;;) {
    const key = scanValue(text, i)
    i = skipWs(text, key.end) + 1
    const value = scanValue(text, i)
    yield [decodeString(text, key), value]
    i = skipWs(text, value.end)
    if (text[i] !== ",") return
    i = skipWs(text, i + 1)
  }
}

export function* arrayItems(text: string, arr: Span): Generator<Span> {
  let i = skipWs(text, arr.start + 1)
  if (text[i] === "]") return
  for (;;) {
    const value = scanValue(text, i)
    yield value
    i = skipWs(text, value.end)
    if (text[i] !== ",") return
    i = skipWs(text, i + 1)
  }
}

export function decodeString(text: string, span: Span): string {
  try {
    return JSON.parse(text.slice(span.start, span.end)) as string
  } catch (err) {
    throw new JsonScanError(`malformed string at offset ${span.start}`, { cause: err })
  }
}

export const raw = (text: string, span: Span): string => text.slice(span.start, span.end)
