import { BridgeError, ErrorCode } from "../errors.js"
import {
  arrayItems,
  decodeString,
  JsonScanError,
  objectEntries,
  raw,
  scanDocument,
  type Span,
} from "./json-scan.js"

/**
 * `remoteRef.property`: a gjson path into a JSON secret value, with ESO's semantics:
 * components split on unescaped `.`, `\` escapes, `*`/`?` wildcards on object keys, numeric
 * components index arrays, `#` counts an array and `#.rest` maps over it. ESO first tries the
 * whole property as one literal key (so `tls.crt` finds a key named "tls.crt"), then as a path.
 * The result is gjson's `String()`: strings unquoted, integers and objects as their raw text,
 * floats in Go's shortest %f form, null as "".
 */
export function extractProperty(value: Uint8Array | string, property: string, key: string): string {
  const text = typeof value === "string" ? value : new TextDecoder().decode(value)
  const found = lookupProperty(text, property)
  if (found === undefined)
    throw new BridgeError(ErrorCode.Provider, `key ${key} has no property ${JSON.stringify(property)}`, {
      hint: "check remoteRef.property against the secret's JSON structure (gjson path syntax)",
    })
  return found
}

/** gjson String() of the property, or undefined when the path does not exist (or text is not JSON). */
export function lookupProperty(text: string, property: string): string | undefined {
  const doc = scanDocument(text)
  if (doc === null) return undefined
  try {
    if (property.includes(".")) {
      const literal = resolve(text, doc, splitPath(property.replaceAll(".", "\\.")))
      if (literal !== undefined) return gjsonString(literal)
    }
    const hit = resolve(text, doc, splitPath(property))
    return hit === undefined ? undefined : gjsonString(hit)
  } catch (err) {
    if (err instanceof JsonScanError) return undefined
    throw err
  }
}

/** A resolved value: a span of the source, or a JSON text built by `#.` mapping. */
type Hit = { readonly text: string; readonly span: Span }

interface Component {
  readonly key: string
  readonly wild: boolean
}

export function splitPath(path: string): Component[] {
  const parts: Component[] = []
  let key = ""
  let wild = false
  for (let i = 0; i < path.length; i++) {
    const c = path[i] ?? ""
    if (c === "\\" && i + 1 < path.length) {
      key += path[++i]
    } else if (c === ".") {
      parts.push({ key, wild })
      key = ""
      wild = false
    } else {
      if (c === "*" || c === "?") wild = true
      if (c === "|" || c === "@" || (c === "#" && path[i + 1] === "("))
        throw unsupported(path, c === "#" ? "#(...) queries" : `"${c}" modifiers`)
      key += c
    }
  }
  parts.push({ key, wild })
  return parts
}

function unsupported(path: string, what: string): BridgeError {
  return new BridgeError(
    ErrorCode.Config,
    `property ${JSON.stringify(path)}: gjson ${what} are not supported`,
    {
      hint: "use plain paths: name.first, friends.1.first, friends.#.first, escaped dots (a\\.b)",
    },
  )
}

function resolve(text: string, span: Span, path: readonly Component[]): Hit | undefined {
  let cur: Hit = { text, span }
  for (let n = 0; n < path.length; n++) {
    const comp = path[n] as Component
    if (cur.span.kind === "array" && comp.key === "#" && !comp.wild) {
      const items = [...arrayItems(cur.text, cur.span)]
      if (n === path.length - 1) return literal(String(items.length))
      return mapArray(cur.text, items, path.slice(n + 1))
    }
    const next = child(cur, comp)
    if (next === undefined) return undefined
    cur = next
  }
  return cur
}

function child(cur: Hit, comp: Component): Hit | undefined {
  if (cur.span.kind === "object") {
    for (const [k, v] of objectEntries(cur.text, cur.span)) {
      if (comp.wild ? wildMatch(comp.key, k) : k === comp.key) return { text: cur.text, span: v }
    }
    return undefined
  }
  if (cur.span.kind === "array" && /^\d+$/.test(comp.key)) {
    let i = Number(comp.key)
    for (const item of arrayItems(cur.text, cur.span)) if (i-- === 0) return { text: cur.text, span: item }
  }
  return undefined
}

/** `arr.#.rest`: gjson collects each element's result into a new JSON array (missing ones skipped). */
function mapArray(text: string, items: readonly Span[], rest: readonly Component[]): Hit {
  const out: string[] = []
  for (const item of items) {
    const hit = resolve(text, item, rest)
    if (hit !== undefined) out.push(raw(hit.text, hit.span))
  }
  const built = `[${out.join(",")}]`
  return { text: built, span: { kind: "array", start: 0, end: built.length } }
}

function literal(num: string): Hit {
  return { text: num, span: { kind: "number", start: 0, end: num.length } }
}

/** gjson's wildcard: `*` any run, `?` one character. */
function wildMatch(pattern: string, s: string): boolean {
  const re = new RegExp(
    `^${[...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : escapeRe(c))).join("")}$`,
    "s",
  )
  return re.test(s)
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")

function gjsonString(hit: Hit): string {
  const { text, span } = hit
  switch (span.kind) {
    case "string":
      return decodeString(text, span)
    case "null":
      return ""
    case "number":
      return goNumberString(raw(text, span))
    default:
      return raw(text, span)
  }
}

/** Integers keep their text (exact beyond 2^53); other numbers print as Go's FormatFloat(f, 'f', -1). */
export function goNumberString(rawNum: string): string {
  if (/^-?\d+$/.test(rawNum)) return rawNum
  return formatFloatF(Number(rawNum))
}

function formatFloatF(n: number): string {
  const s = String(n)
  if (!s.includes("e")) return s
  const [mant = "", expText = "0"] = s.split("e")
  const exp = Number(expText)
  const neg = mant.startsWith("-")
  const digits = mant.replace("-", "").replace(".", "")
  const point = (mant.replace("-", "").indexOf(".") + 1 || mant.replace("-", "").length + 1) - 1 + exp
  let out: string
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length)
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`
  return neg ? `-${out}` : out
}
