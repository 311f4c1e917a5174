/**
 * Go's text forms of numbers and booleans, which sops writes into sealed values and the MAC.
 * Getting these byte-exact is what lets sops and sealbridge open each other's files.
 */

/** Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN"
  if (v === Infinity) return "+Inf"
  if (v === -Infinity) return "-Inf"
  if (v === 0) return Object.is(v, -0) ? "-0" : "0"
  const s = String(v)
  const e = s.indexOf("e")
  if (e === -1) return s
  return expandExponent(s.slice(0, e), Number(s.slice(e + 1)))
}

function expandExponent(mantissa: string, exp: number): string {
  const negative = mantissa.startsWith("-")
  const m = negative ? mantissa.slice(1) : mantissa
  const dot = m.indexOf(".")
  const digits = m.replace(".", "")
  const intLen = (dot === -1 ? m.length : dot) + exp
  let out: string
  if (intLen <= 0) out = "0." + "0".repeat(-intLen) + digits
  else if (intLen >= digits.length) out = digits + "0".repeat(intLen - digits.length)
  else out = digits.slice(0, intLen) + "." + digits.slice(intLen)
  return (negative ? "-" : "") + out
}

/** Go `strconv.FormatBool` as sops capitalises it for sealed values and the MAC. */
export const formatSopsBool = (v: boolean): string => (v ? "True" : "False")

const TRUE_WORDS = new Set(["1", "t", "T", "TRUE", "true", "True"])
const FALSE_WORDS = new Set(["0", "f", "F", "FALSE", "false", "False"])

/** Go `strconv.ParseBool`; null when the text is not a Go boolean. */
export function parseGoBool(s: string): boolean | null {
  if (TRUE_WORDS.has(s)) return true
  if (FALSE_WORDS.has(s)) return false
  return null
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Go `strconv.Atoi` on 64-bit: optional sign, decimal digits, int64 range; null otherwise. */
export function parseGoInt(s: string): bigint | null {
  if (!/^[+-]?\d+$/.test(s)) return null
  const v = BigInt(s.startsWith("+") ? s.slice(1) : s)
  return v < INT64_MIN || v > INT64_MAX ? null : v
}

/** Go `strconv.ParseFloat(s, 64)` for the forms sops can have written; null otherwise. */
export function parseGoFloat(s: string): number | null {
  const t = s.replace(/^\+/, "")
  if (/^-?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity
  if (/^nan$/i.test(t)) return NaN
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null
  return Number(t)
}
