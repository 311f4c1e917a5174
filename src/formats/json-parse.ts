import { FormatError, positionOf } from "../errors.js"
import type { ListItem, MapItem, Scalar, TreeNode } from "../tree/node.js"

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
/**
 * Deeper nesting is refused, as the YAML reader does: every later step (seal, MAC, emit) walks
 * the tree recursively, and a nesting bomb (`[[[[…`) would otherwise overflow the stack.
 * Go's encoding/json allows 10,000; no real secrets file comes near 1,000.
 */
const MAX_DEPTH = 1000

/**
 * A small JSON parser that keeps what `JSON.parse` loses and sops keeps: key order as written,
 * integers as exact 64-bit values, and the int/float distinction (`1.0` is a float).
 * With `rest: "ignore"` reading stops at the end of the first value, whatever follows it: sops
 * reads a JSON file token by token up to its top-level object's `}` and never looks further.
 * @throws FormatError naming the source and line
 */
export function parseJson(text: string, source: string, opts: { rest?: "refuse" | "ignore" } = {}): TreeNode {
  const p = new Parser(text, source)
  p.ws()
  const v = p.value()
  if (opts.rest === "ignore") return v
  p.ws()
  if (p.i < text.length) p.fail("unexpected text after the top-level value")
  return v
}

class Parser {
  i = 0
  depth = 0
  readonly s: string
  readonly source: string
  constructor(s: string, source: string) {
    this.s = s
    this.source = source
  }

  /** Fails at `at` (default: the current position), which is the offending character. */
  fail(message: string, at = this.i): never {
    const { line, column } = positionOf(this.s, at)
    throw new FormatError(this.source, line, `invalid json: ${message}`, { column })
  }

  ws(): void {
    const s = this.s
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i)
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++
      else break
    }
  }

  value(): TreeNode {
    const c = this.s[this.i]
    if (c === "{") return this.object()
    if (c === "[") return this.array()
    if (c === '"') return scalar({ kind: "string", value: this.string() })
    if (c === "t") return this.word("true", { kind: "bool", value: true })
    if (c === "f") return this.word("false", { kind: "bool", value: false })
    if (c === "n") return this.word("null", { kind: "null" })
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return scalar(this.number())
    return this.fail(
      // Never the character itself: a broken plain file may be full of secrets.
      c === undefined ? "unexpected end of input" : "unexpected character",
    )
  }

  /** A literal; a wrong character is reported where it is, as Go does (`tru}`: at the `}`). */
  word(w: string, v: Scalar): TreeNode {
    for (let k = 1; k < w.length; k++) {
      const at = this.i + k
      if (at >= this.s.length) this.fail("unexpected end of input", at)
      if (this.s[at] !== w[k]) this.fail(`unexpected character in literal ${w}`, at)
    }
    this.i += w.length
    return scalar(v)
  }

  nest(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${String(MAX_DEPTH)} levels`)
  }

  object(): TreeNode {
    this.nest()
    this.i++
    const items: MapItem[] = []
    this.ws()
    if (this.s[this.i] === "}") {
      this.i++
      this.depth--
      return { kind: "map", items }
    }
    for (;;) {
      this.ws()
      if (this.s[this.i] !== '"') this.fail("expected a string key")
      const key = this.string()
      this.ws()
      if (this.s[this.i] !== ":") this.fail('expected ":" after a key')
      this.i++
      this.ws()
      items.push({ kind: "entry", key, value: this.value() })
      this.ws()
      const c = this.s[this.i]
      if (c !== "," && c !== "}") this.fail('expected "," or "}" in an object')
      this.i++
      if (c === "}") {
        this.depth--
        return { kind: "map", items }
      }
    }
  }

  array(): TreeNode {
    this.nest()
    this.i++
    const items: ListItem[] = []
    this.ws()
    if (this.s[this.i] === "]") {
      this.i++
      this.depth--
      return { kind: "list", items }
    }
    for (;;) {
      this.ws()
      items.push(this.value())
      this.ws()
      const c = this.s[this.i]
      if (c !== "," && c !== "]") this.fail('expected "," or "]" in an array')
      this.i++
      if (c === "]") {
        this.depth--
        return { kind: "list", items }
      }
    }
  }

  string(): string {
    const s = this.s
    const start = ++this.i
    // Fast path: no escapes.
    let j = start
    while (j < s.length) {
      const c = s.charCodeAt(j)
      if (c === 34) {
        this.i = j + 1
        return s.slice(start, j)
      }
      if (c === 92 || c < 32) break
      j++
    }
    let out = s.slice(start, j)
    this.i = j
    while (this.i < s.length) {
      const c = s[this.i++]
      if (c === '"') return out
      if (c === "\\") {
        const e = s[this.i++]
        if (e === "u") {
          const hex = s.slice(this.i, this.i + 4)
          const bad = /^[0-9a-fA-F]{0,3}/.exec(hex)?.[0].length ?? 0
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape", this.i + bad)
          out += String.fromCharCode(parseInt(hex, 16))
          this.i += 4
        } else {
          const map: Record<string, string> = {
            '"': '"',
            "\\": "\\",
            "/": "/",
            b: "\b",
            f: "\f",
            n: "\n",
            r: "\r",
            t: "\t",
          }
          const v = e === undefined ? undefined : map[e]
          if (v === undefined) this.fail("bad escape in a string", this.i - 1)
          out += v
        }
      } else if (c !== undefined && c.charCodeAt(0) < 32) {
        this.fail("control character in a string", this.i - 1)
      } else {
        out += c
      }
    }
    return this.fail("unterminated string")
  }

  number(): Scalar {
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
    m.lastIndex = this.i
    const r = m.exec(this.s)
    // Where a digit was due: after "-", ".", or "e" and its sign (Go names that character).
    const due = /-?(?:(?:0|[1-9]\d*)(?:\.(?=\D|$)|(?:\.\d+)?[eE][+-]?(?=\D|$)))?/y
    due.lastIndex = this.i
    const cut = due.exec(this.s)?.[0].length ?? 0
    if (r === null || cut > r[0].length) this.fail("bad number", this.i + cut)
    this.i += r[0].length
    if (r[2] === undefined && r[3] === undefined) {
      const v = BigInt(r[0])
      if (v >= INT64_MIN && v <= INT64_MAX) return { kind: "int", value: v }
    }
    return { kind: "float", value: Number(r[0]) }
  }
}

const scalar = (value: Scalar): TreeNode => ({ kind: "scalar", value })
