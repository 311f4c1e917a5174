import { templateError } from "./errors.js"

/**
 * Go text/template lexing: text and `{{ … }}` actions, trim markers (`{{- ` / ` -}}`) and
 * comments (`{{/* … *\/}}`). Delimiters are ESO's defaults.
 */
export type Token =
  | { readonly k: "text"; readonly v: string; readonly line: number }
  | { readonly k: "open"; readonly line: number }
  | { readonly k: "close"; readonly line: number }
  | { readonly k: "ident" | "var" | "op"; readonly v: string; readonly line: number }
  /** `joined`: no space before it, so `.a.b` and `$x.a` chain while `.a .b` are two operands */
  | { readonly k: "field"; readonly v: string; readonly joined: boolean; readonly line: number }
  | { readonly k: "string"; readonly v: string; readonly line: number }
  | { readonly k: "number"; readonly v: number; readonly float: boolean; readonly line: number }

const OPEN = "{{"
const CLOSE = "}}"

export function lex(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  let line = 1
  let trimNext = false
  while (i < src.length) {
    const at = src.indexOf(OPEN, i)
    let text = src.slice(i, at === -1 ? src.length : at)
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "")
    if (at === -1) {
      if (text !== "") out.push({ k: "text", v: text, line })
      break
    }
    let j = at + OPEN.length
    if (src[j] === "-" && /[ \t\r\n]/.test(src[j + 1] ?? "")) {
      text = text.replace(/[ \t\r\n]+$/, "")
      j += 2
    }
    if (text !== "") out.push({ k: "text", v: text, line })
    line += count(src.slice(i, j))
    const r = lexAction(src, j, line, out)
    line += count(src.slice(j, r.end))
    trimNext = r.trim
    i = r.end
  }
  return out
}

const count = (s: string): number => s.split("\n").length - 1

function lexAction(src: string, start: number, line: number, out: Token[]): { end: number; trim: boolean } {
  let i = start
  while (/[ \t\r\n]/.test(src[i] ?? "")) i++
  if (src.startsWith("/*", i)) {
    const endC = src.indexOf("*/", i + 2)
    if (endC === -1) throw templateError("unclosed comment", line)
    return closeAt(src, endC + 2, line)
  }
  out.push({ k: "open", line })
  for (;;) {
    const before = i
    while (/[ \t\r\n]/.test(src[i] ?? "")) i++
    if (i >= src.length) throw templateError("unclosed action", line)
    if (src.startsWith("-" + CLOSE, i) && /[ \t\r\n]/.test(src[i - 1] ?? "")) {
      out.push({ k: "close", line })
      return { end: i + 1 + CLOSE.length, trim: true }
    }
    if (src.startsWith(CLOSE, i)) {
      out.push({ k: "close", line })
      return { end: i + CLOSE.length, trim: false }
    }
    i = lexToken(src, i, line, out, i > before)
  }
}

function closeAt(src: string, i: number, line: number): { end: number; trim: boolean } {
  while (/[ \t\r\n]/.test(src[i] ?? "")) i++
  if (src.startsWith("-" + CLOSE, i)) return { end: i + 1 + CLOSE.length, trim: true }
  if (src.startsWith(CLOSE, i)) return { end: i + CLOSE.length, trim: false }
  throw templateError("comment must end the action", line)
}

const WORD = /^[A-Za-z_][A-Za-z0-9_]*/
const NUM = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)/

function lexToken(src: string, i: number, line: number, out: Token[], spaced: boolean): number {
  const rest = src.slice(i, i + 256)
  const c = src[i] ?? ""
  if (c === ":" && src[i + 1] === "=") return push(out, { k: "op", v: ":=", line }, i + 2)
  if ("|(),=".includes(c)) return push(out, { k: "op", v: c, line }, i + 1)
  if (c === '"') return lexQuoted(src, i, line, out)
  if (c === "`") {
    const end = src.indexOf("`", i + 1)
    if (end === -1) throw templateError("unterminated raw string", line)
    return push(out, { k: "string", v: src.slice(i + 1, end), line }, end + 1)
  }
  if (c === "'") {
    const m = /^'(\\.|[^'\\])'/u.exec(rest)
    if (m === null) throw templateError("malformed character constant", line)
    const ch = unescape(m[1] ?? "", line)
    return push(out, { k: "number", v: ch.codePointAt(0) ?? 0, float: false, line }, i + m[0].length)
  }
  if (c === "$") {
    const m = /^\$[A-Za-z0-9_]*/.exec(rest)
    return push(out, { k: "var", v: m?.[0] ?? "$", line }, i + (m?.[0].length ?? 1))
  }
  if (c === ".") {
    const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(rest)
    if (m !== null) return push(out, { k: "field", v: m[0].slice(1), joined: !spaced, line }, i + m[0].length)
    if (!/[0-9]/.test(src[i + 1] ?? "")) return push(out, { k: "op", v: ".", line }, i + 1)
  }
  const num = NUM.exec(rest)
  if (num !== null && num[0] !== "" && /[0-9]/.test(num[0])) {
    const t = num[0].replaceAll("_", "")
    const float = /^[+-]?\d*\.|[eE]/.test(t) && !/^[+-]?0[xX]/.test(t)
    const neg = t.startsWith("-")
    const mag = Number(t.replace(/^[+-]/, "").toLowerCase())
    const v = neg ? -mag : mag
    if (Number.isNaN(v)) throw templateError("malformed number", line)
    return push(out, { k: "number", v, float, line }, i + num[0].length)
  }
  const w = WORD.exec(rest)
  if (w !== null) return push(out, { k: "ident", v: w[0], line }, i + w[0].length)
  throw templateError(`unexpected character ${JSON.stringify(c)} in action`, line)
}

function push(out: Token[], t: Token, next: number): number {
  out.push(t)
  return next
}

function lexQuoted(src: string, i: number, line: number, out: Token[]): number {
  let j = i + 1
  let v = ""
  while (j < src.length && src[j] !== '"') {
    if (src[j] === "\n") throw templateError("newline in string", line)
    if (src[j] === "\\") {
      const m = /^\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/.exec(src.slice(j, j + 10))
      v += unescape(m?.[1] ?? "", line, true)
      j += m?.[0].length ?? 1
    } else {
      v += src[j]
      j++
    }
  }
  if (j >= src.length) throw templateError("unterminated string", line)
  return push(out, { k: "string", v, line }, j + 1)
}

const SIMPLE: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  '"': '"',
  "'": "'",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
}

function unescape(e: string, line: number, escaped = false): string {
  if (!escaped && !e.startsWith("\\")) return e
  const body = escaped ? e : e.slice(1)
  const simple = SIMPLE[body]
  if (simple !== undefined) return simple
  if (/^[xuU]/.test(body)) return String.fromCodePoint(parseInt(body.slice(1), 16))
  if (/^[0-7]{3}$/.test(body)) return String.fromCodePoint(parseInt(body, 8))
  throw templateError(`unknown escape sequence \\${body}`, line)
}
