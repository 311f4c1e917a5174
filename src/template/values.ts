/**
 * Template values: strings, ints (JS numbers), floats (GoFloat, so `{{ 1.0 }}` and JSON numbers
 * print the way Go does), booleans, nil (null), lists (arrays) and maps (plain objects).
 */
export class GoFloat {
  readonly value: number
  constructor(value: number) {
    this.value = value
  }
}

export type Value =
  string | number | boolean | null | GoFloat | readonly Value[] | { readonly [k: string]: Value }

export const isMap = (v: unknown): v is Record<string, Value> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoFloat)

export const num = (v: unknown): number | undefined =>
  typeof v === "number" ? v : v instanceof GoFloat ? v.value : undefined

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === "" || v === 0) return false
  if (v instanceof GoFloat) return v.value !== 0
  if (Array.isArray(v)) return v.length > 0
  if (isMap(v)) return Object.keys(v).length > 0
  return true
}

/** fmt's %v. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return "<nil>"
  if (typeof v === "string") return v
  if (typeof v === "number") return String(Math.trunc(v)) === String(v) ? String(v) : formatG(v)
  if (typeof v === "boolean") return String(v)
  if (v instanceof GoFloat) return formatG(v.value)
  if (Array.isArray(v)) return `[${v.map(show).join(" ")}]`
  if (isMap(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${show(v[k])}`)
      .join(" ")}]`
  return typeof v === "bigint" || typeof v === "symbol" ? v.toString() : "<?>"
}

/** fmt's %v for float64 = strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form when exp < -4 or ≥ 6. */
export function formatG(f: number): string {
  if (Number.isNaN(f)) return "NaN"
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf"
  if (f === 0) return Object.is(f, -0) ? "-0" : "0"
  const [mant = "", expText = "0"] = f.toExponential().split("e")
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp)
    return `${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`
  }
  return fixed(f)
}

function fixed(f: number): string {
  const s = String(f)
  if (!s.includes("e")) return s
  return f.toFixed(20).replace(/\.?0+$/, "")
}

/** encoding/json's float form ('f' unless exp < -6 or ≥ 21) is exactly JavaScript's number text. */
export const jsonNumber = (f: number): string => String(f)
