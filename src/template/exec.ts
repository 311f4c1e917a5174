import type { Arg, Cmd, Node, Pipe } from "./ast.js"
import { templateError } from "./errors.js"
import { isMap, show, truthy, type Value } from "./values.js"

/** Limits that keep a hostile or buggy template from hogging the controller. */
export interface Limits {
  readonly maxOutput: number
  readonly maxSteps: number
}

export const DEFAULT_LIMITS: Limits = { maxOutput: 1 << 20, maxSteps: 100_000 }

export type Func = (...args: Value[]) => Value
export interface FuncTable {
  readonly [name: string]: Func
}

/** Control-flow signals for {{break}} / {{continue}} (Errors only so lint accepts the throw). */
class Break extends Error {}
class Continue extends Error {}

/**
 * Executes parsed nodes against `data` with Go text/template semantics and ESO's
 * `missingkey=error`: a missing map key is an error, not "<no value>".
 */
export class Exec {
  #out = ""
  #steps = 0
  readonly #vars: { name: string; value: Value }[] = []
  readonly #funcs: FuncTable
  readonly #limits: Limits

  constructor(funcs: FuncTable, limits: Limits) {
    this.#funcs = funcs
    this.#limits = limits
  }

  run(nodes: readonly Node[], data: Value): string {
    this.#vars.push({ name: "$", value: data })
    this.#list(nodes, data)
    return this.#out
  }

  #list(nodes: readonly Node[], dot: Value): void {
    const mark = this.#vars.length
    try {
      for (const n of nodes) this.#node(n, dot)
    } finally {
      this.#vars.length = mark
    }
  }

  #step(line: number): void {
    if (++this.#steps > this.#limits.maxSteps)
      throw templateError(`execution exceeds ${this.#limits.maxSteps} steps`, line)
  }

  #write(s: string, line: number): void {
    this.#out += s
    if (this.#out.length > this.#limits.maxOutput)
      throw templateError(`output exceeds ${this.#limits.maxOutput} characters`, line)
  }

  #node(n: Node, dot: Value): void {
    switch (n.t) {
      case "text":
        return this.#write(n.text, 0)
      case "action": {
        this.#step(n.line)
        const v = this.#pipe(n.pipe, dot)
        if (n.pipe.vars.length === 0) this.#write(v === null ? "<no value>" : show(v), n.line)
        return
      }
      case "if":
      case "with": {
        this.#step(n.line)
        const mark = this.#vars.length
        const v = this.#pipe(n.pipe, dot)
        if (truthy(v)) this.#list(n.body, n.t === "with" ? v : dot)
        else if (n.alt !== null) this.#list(n.alt, dot)
        this.#vars.length = mark
        return
      }
      case "range":
        return this.#range(n, dot)
      case "break":
        throw new Break()
      case "continue":
        throw new Continue()
    }
  }

  #range(n: Extract<Node, { t: "range" }>, dot: Value): void {
    this.#step(n.line)
    const mark = this.#vars.length
    const v = this.#pipe({ ...n.pipe, vars: [] }, dot)
    const items: [Value, Value][] = Array.isArray(v)
      ? (v as Value[]).map((e, i) => [i, e])
      : isMap(v)
        ? Object.keys(v)
            .sort()
            .map((k) => [k, v[k] ?? null])
        : typeof v === "number"
          ? Array.from({ length: Math.max(0, v) }, (_, i) => [i, i])
          : v === null
            ? []
            : (() => {
                throw templateError("range can't iterate over this value", n.line)
              })()
    if (items.length === 0) {
      if (n.alt !== null) this.#list(n.alt, dot)
      return
    }
    for (const [k, e] of items) {
      this.#step(n.line)
      const names = n.pipe.vars
      if (names.length === 1) this.#vars.push({ name: names[0] ?? "", value: e })
      if (names.length >= 2)
        this.#vars.push({ name: names[0] ?? "", value: k }, { name: names[1] ?? "", value: e })
      try {
        this.#list(n.body, e)
      } catch (sig) {
        if (sig instanceof Break) break
        if (!(sig instanceof Continue)) throw sig
      } finally {
        this.#vars.length = mark
      }
    }
  }

  #pipe(p: Pipe, dot: Value): Value {
    let v: Value | undefined
    for (const c of p.cmds) v = this.#cmd(c, dot, v, p.line)
    const out = v ?? null
    if (p.vars.length > 0) {
      if (p.assign) {
        const slot = this.#findVar(p.vars[0] ?? "", p.line)
        slot.value = out
      } else for (const name of p.vars) this.#vars.push({ name, value: out })
    }
    return out
  }

  #cmd(c: Cmd, dot: Value, final: Value | undefined, line: number): Value {
    const [first, ...rest] = c.args
    if (first?.t === "func") {
      if (first.name === "and" || first.name === "or") return this.#logic(first.name, rest, dot, final, line)
      const fn = this.#funcs[first.name]
      if (fn === undefined) throw templateError(`function "${first.name}" not defined`, line)
      const args = rest.map((a) => this.#arg(a, dot, line))
      if (final !== undefined) args.push(final)
      try {
        return fn(...args)
      } catch (err) {
        if (err instanceof Error && err.name === "BridgeError") throw err
        throw templateError(
          `error calling ${first.name}: ${err instanceof Error ? err.message : "failed"}`,
          line,
          err,
        )
      }
    }
    if (rest.length > 0 || final !== undefined)
      throw templateError("can't give argument to non-function", line)
    return this.#arg(first as Arg, dot, line)
  }

  /** `and`/`or` evaluate lazily and return the deciding argument, as Go ≥ 1.18 does. */
  #logic(
    name: "and" | "or",
    args: readonly Arg[],
    dot: Value,
    final: Value | undefined,
    line: number,
  ): Value {
    const thunks: (() => Value)[] = args.map((a) => () => this.#arg(a, dot, line))
    if (final !== undefined) thunks.push(() => final)
    if (thunks.length === 0) throw templateError(`wrong number of args for ${name}`, line)
    let v: Value = null
    for (const t of thunks) {
      v = t()
      if (name === "and" ? !truthy(v) : truthy(v)) return v
    }
    return v
  }

  #arg(a: Arg, dot: Value, line: number): Value {
    switch (a.t) {
      case "lit":
        return a.value as Value
      case "dot":
        return this.#path(dot, a.path, line)
      case "var":
        return this.#path(this.#findVar(a.name, line).value, a.path, line)
      case "sub":
        return this.#path(this.#pipe(a.pipe, dot), a.path, line)
      case "func": {
        const fn = this.#funcs[a.name]
        if (fn === undefined) throw templateError(`function "${a.name}" not defined`, line)
        return fn()
      }
    }
  }

  #path(v: Value, path: readonly string[], line: number): Value {
    let cur = v
    for (const f of path) {
      if (cur === null) throw templateError(`nil pointer evaluating .${f}`, line)
      if (!isMap(cur)) throw templateError(`can't evaluate field ${f} in a non-map value`, line)
      if (!Object.hasOwn(cur, f)) throw templateError(`map has no entry for key "${f}"`, line)
      cur = cur[f] ?? null
    }
    return cur
  }

  #findVar(name: string, line: number): { name: string; value: Value } {
    for (let i = this.#vars.length - 1; i >= 0; i--) {
      const slot = this.#vars[i]
      if (slot?.name === name) return slot
    }
    throw templateError(`undefined variable: ${name}`, line)
  }
}
