/**
 * sops' `stores.ValToString` for floats: Go `strconv.FormatFloat(v, 'G', -1, 64)` (shortest
 * digits; exponent form when the exponent is < -4 or >= 6), then ".0" appended when the text
 * could be read as an integer. exec-env puts numbers into the environment this way.
 */
export function formatSopsFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN"
  if (v === Infinity) return "+Inf"
  if (v === -Infinity) return "-Inf"
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0"
  const [mantissa = "", expText = "0"] = v.toExponential().split("e")
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp)
    return `${mantissa}E${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`
  }
  const fixed = plainDecimal(mantissa, exp)
  return fixed.includes(".") ? fixed : `${fixed}.0`
}

/** The decimal expansion of `mantissa × 10^exp` with no exponent (exp in -4..5 here). */
function plainDecimal(mantissa: string, exp: number): string {
  const negative = mantissa.startsWith("-")
  const digits = mantissa.replace("-", "").replace(".", "")
  const intLen = exp + 1
  let out: string
  if (intLen <= 0) out = "0." + "0".repeat(-intLen) + digits
  else if (intLen >= digits.length) out = digits + "0".repeat(intLen - digits.length)
  else out = digits.slice(0, intLen) + "." + digits.slice(intLen)
  return (negative ? "-" : "") + out
}
