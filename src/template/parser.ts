import type { Arg, Cmd, Node, Pipe } from "./ast.js"
import { templateError } from "./errors.js"
import { GoFloat } from "./values.js"
import { lex, type Token } from "./lexer.js"

const MAX_DEPTH = 64

/** Parses Go text/template source; `known` says which function names exist (Go fails at parse time too). */
export function parse(src: string, known: (name: string) => boolean): Node[] {
  const p = new Parser(lex(src), known)
  const { nodes, end } = p.list(0)
  if (end !== null) throw templateError(`unexpected {{${end}}}`, p.line())
  return nodes
}

type Terminator = "end" | "else"

class Parser {
  #i = 0
  readonly #toks: readonly Token[]
  readonly #known: (name: string) => boolean

  constructor(toks: readonly Token[], known: (name: string) => boolean) {
    this.#toks = toks
    this.#known = known
  }

  line(): number {
    return this.#toks[Math.min(this.#i, this.#toks.length - 1)]?.line ?? 1
  }

  /** Nodes until `{{end}}`/`{{else …}}` (returned, not consumed past the keyword) or EOF. */
  list(depth: number): { nodes: Node[]; end: Terminator | null } {
    if (depth > MAX_DEPTH) throw templateError("templates nest too deeply", this.line())
    const nodes: Node[] = []
    for (;;) {
      const t = this.#toks[this.#i]
      if (t === undefined) return { nodes, end: null }
      this.#i++
      if (t.k === "text") {
        nodes.push({ t: "text", text: t.v })
        continue
      }
      const kw = this.#peek()
      if (kw?.k === "ident" && (kw.v === "end" || kw.v === "else")) {
        this.#i++
        if (kw.v === "end") this.#expect("close")
        return { nodes, end: kw.v }
      }
      nodes.push(this.#action(depth, t.line))
    }
  }

  #action(depth: number, line: number): Node {
    const kw = this.#peek()
    if (kw?.k === "ident") {
      switch (kw.v) {
        case "if":
        case "with":
        case "range":
          this.#i++
          return this.#control(kw.v, depth, line)
        case "break":
        case "continue":
          this.#i++
          this.#expect("close")
          return { t: kw.v, line }
        case "define":
        case "template":
        case "block":
          throw templateError(`{{${kw.v}}} is not supported`, line)
      }
    }
    const pipe = this.#pipe(line, true)
    this.#expect("close")
    return { t: "action", pipe, line }
  }

  #control(kind: "if" | "with" | "range", depth: number, line: number): Node {
    const pipe = this.#pipe(line, true)
    this.#expect("close")
    const body = this.list(depth + 1)
    let alt: Node[] | null = null
    if (body.end === "else") {
      const next = this.#peek()
      if (kind !== "range" && next?.k === "ident" && next.v === kind) {
        // `{{else if …}}` / `{{else with …}}`: a nested node sharing our {{end}}
        this.#i++
        alt = [this.#control(kind, depth + 1, line)]
      } else {
        this.#expect("close")
        const rest = this.list(depth + 1)
        if (rest.end !== "end") throw templateError(`missing {{end}} for {{${kind}}}`, line)
        alt = rest.nodes
      }
    } else if (body.end !== "end") throw templateError(`missing {{end}} for {{${kind}}}`, line)
    return { t: kind, pipe, body: body.nodes, alt, line }
  }

  #pipe(line: number, allowDecl: boolean): Pipe {
    const vars: string[] = []
    let assign = false
    if (allowDecl) {
      const save = this.#i
      const names: string[] = []
      for (;;) {
        const v = this.#peek()
        if (v?.k !== "var") break
        this.#i++
        names.push(v.v)
        const op = this.#peek()
        if (op?.k === "op" && op.v === ",") {
          this.#i++
          continue
        }
        if (op?.k === "op" && (op.v === ":=" || op.v === "=")) {
          this.#i++
          vars.push(...names)
          assign = op.v === "="
        }
        break
      }
      if (vars.length === 0) this.#i = save
    }
    const cmds: Cmd[] = []
    for (;;) {
      cmds.push(this.#cmd(line))
      const t = this.#peek()
      if (t?.k === "op" && t.v === "|") {
        this.#i++
        continue
      }
      break
    }
    return { vars, assign, cmds, line }
  }

  #cmd(line: number): Cmd {
    const args: Arg[] = []
    for (;;) {
      const t = this.#peek()
      if (t === undefined || t.k === "close" || (t.k === "op" && (t.v === "|" || t.v === ")"))) break
      args.push(this.#operand(line))
    }
    if (args.length === 0) throw templateError("missing value for command", line)
    return { args }
  }

  #operand(line: number): Arg {
    const t = this.#next(line)
    switch (t.k) {
      case "field":
        return { t: "dot", path: [t.v, ...this.#fields()] }
      case "var":
        return { t: "var", name: t.v, path: this.#fields() }
      case "string":
        return { t: "lit", value: t.v }
      case "number":
        return { t: "lit", value: t.float ? new GoFloat(t.v) : t.v }
      case "op":
        if (t.v === ".") return { t: "dot", path: [] }
        if (t.v === "(") {
          const pipe = this.#pipe(line, true)
          const close = this.#next(line)
          if (close.k !== "op" || close.v !== ")") throw templateError("unclosed left paren", line)
          return { t: "sub", pipe, path: this.#fields() }
        }
        break
      case "ident":
        if (t.v === "true" || t.v === "false") return { t: "lit", value: t.v === "true" }
        if (t.v === "nil") return { t: "lit", value: null }
        if (!this.#known(t.v)) throw templateError(`function "${t.v}" not defined or not supported`, line)
        return { t: "func", name: t.v }
      default:
        break
    }
    throw templateError("unexpected token in action", line)
  }

  #fields(): string[] {
    const out: string[] = []
    for (let t = this.#peek(); t?.k === "field" && t.joined; t = this.#peek()) {
      out.push(t.v)
      this.#i++
    }
    return out
  }

  #peek(): Token | undefined {
    return this.#toks[this.#i]
  }

  #next(line: number): Token {
    const t = this.#toks[this.#i++]
    if (t === undefined) throw templateError("unexpected end of template", line)
    return t
  }

  #expect(k: "close"): void {
    const t = this.#toks[this.#i++]
    if (t?.k !== k) throw templateError("unexpected token, expected }}", t?.line ?? this.line())
  }
}
