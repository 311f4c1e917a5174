import { templateError } from "./errors.js"
import type { FuncTable } from "./exec.js"
import { sprintf } from "./printf.js"
import { isMap, num, show, truthy, type Value } from "./values.js"

/** text/template's own functions (and/or are handled lazily by the executor). */
export const builtins: FuncTable = {
  and: () => null,
  or: () => null,
  not: (v) => !truthy(v),
  len: (v) => {
    if (typeof v === "string") return new TextEncoder().encode(v).length
    if (Array.isArray(v)) return v.length
    if (isMap(v)) return Object.keys(v).length
    throw new Error("len of a value that has no length")
  },
  index: (v, ...keys) => {
    let cur: Value = v
    for (const k of keys) {
      if (Array.isArray(cur)) {
        const i = num(k)
        if (i === undefined || i < 0 || i >= cur.length) throw new Error("index out of range")
        cur = (cur as Value[])[i] ?? null
      } else if (isMap(cur)) cur = Object.hasOwn(cur, show(k)) ? (cur[show(k)] ?? null) : null
      else if (typeof cur === "string") {
        const i = num(k) ?? -1
        const bytes = new TextEncoder().encode(cur)
        if (i < 0 || i >= bytes.length) throw new Error("index out of range")
        cur = bytes[i] ?? 0
      } else throw new Error("can't index this value")
    }
    return cur
  },
  slice: (v, ...ix) => {
    const [a = 0, b] = ix.map((x) => num(x) ?? 0)
    if (typeof v === "string") return v.slice(a, b)
    if (Array.isArray(v)) return (v as readonly Value[]).slice(a, b)
    throw new Error("can't slice this value")
  },
  print: (...a) =>
    a
      .map((v, i) => (i > 0 && typeof v !== "string" && typeof a[i - 1] !== "string" ? " " : "") + show(v))
      .join(""),
  println: (...a) => `${a.map(show).join(" ")}\n`,
  printf: (fmt, ...a) => sprintf(show(fmt), a),
  eq: (a, ...bs) => bs.some((b) => same(a, b)),
  ne: (a, b) => !same(a, b),
  lt: (a, b) => cmp(a, b) < 0,
  le: (a, b) => cmp(a, b) <= 0,
  gt: (a, b) => cmp(a, b) > 0,
  ge: (a, b) => cmp(a, b) >= 0,
}

function same(a: Value, b: Value): boolean {
  const x = num(a)
  const y = num(b)
  if (x !== undefined && y !== undefined) return x === y
  if (typeof a !== typeof b && !(a === null || b === null))
    throw new Error("incompatible types for comparison")
  return a === b
}

function cmp(a: Value, b: Value): number {
  const x = num(a)
  const y = num(b)
  if (x !== undefined && y !== undefined) return x - y
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0
  throw templateError("incompatible types for comparison")
}
