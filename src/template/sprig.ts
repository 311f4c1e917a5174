import { createHash } from "node:crypto"
import { RE2JS } from "re2js"
import { parse as parseYaml, stringify as toYamlText } from "yaml"
import type { FuncTable } from "./exec.js"
import { goReplaceAll } from "../providers/rewrite.js"
import { GoFloat, isMap, jsonNumber, num, show, truthy, type Value } from "./values.js"

/**
 * The sprig functions ESO's documented templates use, with sprig's argument order (the piped
 * value comes last). Nothing here reads files, the network, the environment or the cluster.
 */
const str = (v: Value | undefined): string => (v === undefined ? "" : show(v))
const int = (v: Value | undefined): number => {
  const n = num(v ?? null) ?? (typeof v === "string" && /^[+-]?\d+$/.test(v.trim()) ? Number(v) : 0)
  return Math.trunc(n)
}
const list = (v: Value | undefined): readonly Value[] => {
  if (Array.isArray(v)) return v as readonly Value[]
  if (v === null || v === undefined) return []
  throw new Error("expected a list")
}

export const sprig: FuncTable = {
  toString: (v: Value) => str(v),
  upper: (s) => str(s).toUpperCase(),
  lower: (s) => str(s).toLowerCase(),
  title: (s) =>
    str(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase()),
  trim: (s) => str(s).trim(),
  trimAll: (cut, s) => trimSet(str(s), str(cut)),
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(p) !== "" && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  replace: (o, n, s) => str(s).replaceAll(str(o), str(n)),
  quote: (...a) => a.map((v) => JSON.stringify(str(v))).join(" "),
  squote: (...a) => a.map((v) => `'${str(v)}'`).join(" "),
  contains: (sub, s) => str(s).includes(str(sub)),
  hasPrefix: (p, s) => str(s).startsWith(str(p)),
  hasSuffix: (p, s) => str(s).endsWith(str(p)),
  repeat: (n, s) => {
    const count = int(n)
    if (count * str(s).length > 1 << 20) throw new Error("repeat result too large")
    return str(s).repeat(Math.max(0, count))
  },
  substr: (a, b, s) => {
    const t = str(s)
    const start = int(a) < 0 ? 0 : int(a)
    const end = int(b) < 0 || int(b) > t.length ? t.length : int(b)
    return t.slice(start, end)
  },
  trunc: (n, s) => (int(n) >= 0 ? str(s).slice(0, int(n)) : str(s).slice(int(n))),
  nospace: (s) => str(s).replace(/\s+/g, ""),
  indent: (n, s) => indent(int(n), str(s)),
  nindent: (n, s) => `\n${indent(int(n), str(s))}`,
  split: (sep, s) =>
    Object.fromEntries(
      str(s)
        .split(str(sep))
        .map((p, i) => [`_${i}`, p]),
    ),
  splitList: (sep, s) => str(s).split(str(sep)),
  join: (sep, l) => list(l).map(str).join(str(sep)),
  cat: (...a) =>
    a
      .filter((v) => v !== null)
      .map(str)
      .join(" "),
  b64enc: (s) => Buffer.from(str(s), "utf8").toString("base64"),
  b64dec: (s) => {
    const t = str(s)
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) throw new Error("illegal base64 data")
    return Buffer.from(t, "base64").toString("utf8")
  },
  sha1sum: (s) => createHash("sha1").update(str(s)).digest("hex"),
  sha256sum: (s) => createHash("sha256").update(str(s)).digest("hex"),
  sha512sum: (s) => createHash("sha512").update(str(s)).digest("hex"),
  toJson: (v) => goJson(v, false, true),
  toPrettyJson: (v) => goJson(v, true, true),
  toRawJson: (v) => goJson(v, false, false),
  fromJson: (s) => fromPlain(decode(() => JSON.parse(str(s)) as unknown, "JSON")),
  toYaml: (v) => toYamlText(toPlain(v), { sortMapEntries: true }).replace(/\n$/, ""),
  fromYaml: (s) => fromPlain(decode(() => parseYaml(str(s)) as unknown, "YAML")),
  default: (d, ...given) => (given.length > 0 && truthy(given[0] ?? null) ? (given[0] ?? null) : d),
  empty: (v) => !truthy(v),
  coalesce: (...a) => a.find((v) => truthy(v)) ?? null,
  ternary: (a, b, c) => (truthy(c) ? a : b),
  list: (...a) => a,
  dict: (...a) => {
    const out: Record<string, Value> = {}
    for (let i = 0; i < a.length; i += 2) out[str(a[i])] = a[i + 1] ?? ""
    return out
  },
  get: (d, k) => (isMap(d) && Object.hasOwn(d, str(k)) ? (d[str(k)] ?? null) : ""),
  set: (d, k, v) => ({ ...(isMap(d) ? d : {}), [str(k)]: v }),
  unset: (d, k) => Object.fromEntries(Object.entries(isMap(d) ? d : {}).filter(([x]) => x !== str(k))),
  hasKey: (d, k) => isMap(d) && Object.hasOwn(d, str(k)),
  keys: (...ds) => ds.flatMap((d) => (isMap(d) ? Object.keys(d) : [])).sort(),
  values: (d) =>
    isMap(d)
      ? Object.keys(d)
          .sort()
          .map((k) => d[k] ?? null)
      : [],
  merge: (...ds) => Object.assign({}, ...ds.slice().reverse().filter(isMap)) as Record<string, Value>,
  first: (l) => list(l)[0] ?? null,
  last: (l) => list(l)[list(l).length - 1] ?? null,
  rest: (l) => list(l).slice(1),
  initial: (l) => list(l).slice(0, -1),
  append: (l, v) => [...list(l), v],
  prepend: (l, v) => [v, ...list(l)],
  has: (v, l) => list(l).some((x) => show(x) === show(v)),
  uniq: (l) => list(l).filter((v, i, a) => a.findIndex((x) => show(x) === show(v)) === i),
  sortAlpha: (l) => list(l).map(str).sort(),
  reverse: (l) => list(l).slice().reverse(),
  compact: (l) => list(l).filter((v) => truthy(v)),
  toStrings: (l) => list(l).map(str),
  add: (...a) => a.reduce<number>((s, v) => s + int(v), 0),
  add1: (a) => int(a) + 1,
  sub: (a, b) => int(a) - int(b),
  mul: (...a) => a.reduce<number>((s, v) => s * int(v), 1),
  div: (a, b) => {
    if (int(b) === 0) throw new Error("integer divide by zero")
    return Math.trunc(int(a) / int(b))
  },
  mod: (a, b) => {
    if (int(b) === 0) throw new Error("integer divide by zero")
    return int(a) % int(b)
  },
  max: (...a) => Math.max(...a.map(int)),
  min: (...a) => Math.min(...a.map(int)),
  atoi: (s) => (/^[+-]?\d+$/.test(str(s).trim()) ? Number(str(s).trim()) : 0),
  int: (v) => int(v),
  int64: (v) => int(v),
  float64: (v) => new GoFloat(num(v) ?? (Number(str(v)) || 0)),
  regexMatch: (re, s) => RE2JS.compile(str(re)).matcher(str(s)).find(),
  regexFind: (re, s) => {
    const m = RE2JS.compile(str(re)).matcher(str(s))
    return m.find() ? (m.group() ?? "") : ""
  },
  regexReplaceAll: (re, s, repl) => goReplaceAll(RE2JS.compile(str(re)), str(s), str(repl)),
}

/** Parser errors quote their input; replace them so no value reaches a status message. */
function decode(run: () => unknown, what: string): unknown {
  try {
    return run()
  } catch {
    throw new Error(`value is not valid ${what}`)
  }
}

function indent(n: number, s: string): string {
  const pad = " ".repeat(Math.max(0, n))
  return pad + s.replaceAll("\n", `\n${pad}`)
}

function trimSet(s: string, cut: string): string {
  let a = 0
  let b = s.length
  while (a < b && cut.includes(s[a] ?? "")) a++
  while (b > a && cut.includes(s[b - 1] ?? "")) b--
  return s.slice(a, b)
}

/** encoding/json: sorted map keys, HTML-safe escaping unless raw, floats as Go prints them. */
function goJson(v: Value, pretty: boolean, htmlEscape: boolean): string {
  const text = JSON.stringify(
    toPlain(v),
    (_k, x: unknown) => (x instanceof GoFloat ? x.value : x),
    pretty ? 2 : 0,
  )
  const out = htmlEscape
    ? text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : text
  return out.replace(/-?\d+(\.\d+)?e[+-]?\d+/gi, (m) => jsonNumber(Number(m)))
}

function toPlain(v: Value): unknown {
  if (v instanceof GoFloat) return v.value
  if (Array.isArray(v)) return v.map(toPlain)
  if (isMap(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, toPlain(v[k] ?? null)]),
    )
  return v
}

/** Decoded JSON/YAML: numbers become float64, as Go's decoders produce. */
function fromPlain(x: unknown): Value {
  if (typeof x === "number") return new GoFloat(x)
  if (Array.isArray(x)) return x.map(fromPlain)
  if (typeof x === "object" && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fromPlain(v)]))
  if (typeof x === "string" || typeof x === "boolean" || x === null) return x
  return typeof x === "bigint" ? x.toString() : null
}
