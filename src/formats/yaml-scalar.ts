import type { Scalar } from "../tree/node.js"

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const NULLS = new Set(["", "~", "null", "Null", "NULL"])
const TRUES = new Set(["true", "True", "TRUE"])
const FALSES = new Set(["false", "False", "FALSE"])
const INF = new Set([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"])
const NEG_INF = new Set(["-.inf", "-.Inf", "-.INF"])
const NAN = new Set([".nan", ".NaN", ".NAN"])

/** What go-yaml v3 makes of a plain (unquoted, untagged) scalar (spec §6.2). "overflow": sops refuses it. */
export function resolvePlain(s: string): Scalar | "overflow" {
  if (NULLS.has(s)) return { kind: "null" }
  if (TRUES.has(s)) return { kind: "bool", value: true }
  if (FALSES.has(s)) return { kind: "bool", value: false }
  if (INF.has(s)) return { kind: "float", value: Infinity }
  if (NEG_INF.has(s)) return { kind: "float", value: -Infinity }
  if (NAN.has(s)) return { kind: "float", value: NaN }
  const c = s[0]
  if (c === undefined || !(c === "-" || c === "+" || c === "." || (c >= "0" && c <= "9")))
    return { kind: "string", value: s }
  const time = parseTimestamp(s)
  if (time !== null) return { kind: "time", value: time }
  const plain = s.replaceAll("_", "")
  const int = parseGoIntBase0(plain)
  if (int !== null) {
    if (int >= INT64_MIN && int <= INT64_MAX) return { kind: "int", value: int }
    if (int > 0n && int <= UINT64_MAX) return "overflow"
  }
  if (FLOAT.test(plain)) return { kind: "float", value: Number(plain) }
  return { kind: "string", value: s }
}

/** Go `strconv.ParseInt(s, 0, 64)` syntax (0x, 0o, 0b, leading-0 octal, sign); range checked by the caller. */
function parseGoIntBase0(s: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s)
  if (m === null) return null
  const [, sign, body = ""] = m
  let v: bigint
  if (/^0[oO]/.test(body)) v = BigInt("0o" + body.slice(2))
  else if (/^0[0-7]+$/.test(body)) v = BigInt("0o" + body.slice(1))
  else v = BigInt(body)
  return sign === "-" ? -v : v
}

/**
 * go-yaml's timestamp forms: `2006-1-2T15:4:5.999999999Z07:00` (also `t`), `2006-1-2 15:4:5.999999999`
 * (UTC) and `2006-1-2`; returned as Go's RFC 3339 nano text, which is what sops seals and hashes.
 */
export function parseTimestamp(s: string): string | null {
  const m =
    /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt](\d\d?):(\d\d?):(\d\d?)(\.\d+)?(Z|[+-]\d\d:\d\d))|(?: (\d\d?):(\d\d?):(\d\d?)(\.\d+)?))?$/.exec(
      s,
    )
  if (m === null) return null
  const pad = (v: string | undefined): string => (v ?? "0").padStart(2, "0")
  const date = `${m[1]}-${pad(m[2])}-${pad(m[3])}`
  const hour = m[4] ?? m[9]
  if (hour === undefined) return `${date}T00:00:00Z`
  const frac = (m[7] ?? m[12] ?? "").replace(/0+$/, "")
  const zone = m[8] === undefined || /^(Z|[+-]00:00)$/.test(m[8]) ? "Z" : m[8]
  return `${date}T${pad(hour)}:${pad(m[5] ?? m[10])}:${pad(m[6] ?? m[11])}${frac === "." ? "" : frac}${zone}`
}

/** go-yaml v3 float text: Go `FormatFloat(v, 'g', -1, 64)`, with YAML's .inf/.nan. */
export function formatYamlFloat(v: number): string {
  if (Number.isNaN(v)) return ".nan"
  if (v === Infinity) return ".inf"
  if (v === -Infinity) return "-.inf"
  if (v === 0) return Object.is(v, -0) ? "-0" : "0"
  const [mant = "0", expText = "0"] = v.toExponential().split("e")
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`
  const fixed = v.toFixed(Math.max(0, mant.replace(/^-/, "").replace(".", "").length - 1 - exp))
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed
}
