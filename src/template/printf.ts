import { GoFloat, num, show, type Value } from "./values.js"

/**
 * A subset of Go's fmt verbs: %v %s %d %q %t %x %X %f %e %g %c %%, with flags `-`, `0`, `+`,
 * width and precision. Missing arguments print as Go does (%!v(MISSING)).
 */
export function sprintf(fmt: string, args: readonly Value[]): string {
  let out = ""
  let n = 0
  const re = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g
  let last = 0
  for (let m = re.exec(fmt); m !== null; m = re.exec(fmt)) {
    out += fmt.slice(last, m.index)
    last = re.lastIndex
    const [, flags = "", width, prec, verb = "v"] = m
    if (verb === "%") {
      out += "%"
      continue
    }
    if (n >= args.length) {
      out += `%!${verb}(MISSING)`
      continue
    }
    out += pad(
      one(verb, args[n++] ?? null, prec === undefined ? undefined : Number(prec), flags),
      width,
      flags,
    )
  }
  out += fmt.slice(last)
  if (n < args.length) out += `%!(EXTRA ${args.slice(n).map(show).join(", ")})`
  return out
}

function one(verb: string, v: Value, prec: number | undefined, flags: string): string {
  const n = num(v)
  switch (verb) {
    case "v":
    case "s":
      return prec !== undefined && typeof v === "string" ? v.slice(0, prec) : show(v)
    case "q":
      return JSON.stringify(typeof v === "string" ? v : show(v))
    case "t":
      return String(v === true)
    case "d":
      return n === undefined
        ? `%!d(${show(v)})`
        : sign(Math.trunc(n), flags) + Math.abs(Math.trunc(n)).toString()
    case "x":
    case "X": {
      const s =
        typeof v === "string"
          ? Buffer.from(v, "utf8").toString("hex")
          : n === undefined
            ? `%!${verb}(${show(v)})`
            : (n < 0 ? "-" : "") + Math.abs(Math.trunc(n)).toString(16)
      return verb === "X" ? s.toUpperCase() : s
    }
    case "f":
    case "F":
      return n === undefined ? `%!f(${show(v)})` : sign(n, flags) + Math.abs(n).toFixed(prec ?? 6)
    case "e":
      return n === undefined
        ? `%!e(${show(v)})`
        : sign(n, flags) + goExp(Math.abs(n).toExponential(prec ?? 6))
    case "g":
      return n === undefined ? `%!g(${show(v)})` : show(new GoFloat(n))
    case "c":
      return n === undefined ? `%!c(${show(v)})` : String.fromCodePoint(n)
    default:
      return `%!${verb}(${show(v)})`
  }
}

const sign = (n: number, flags: string): string => (n < 0 ? "-" : flags.includes("+") ? "+" : "")
const goExp = (s: string): string => s.replace(/e([+-])(\d)$/, "e$10$2")

function pad(s: string, width: string | undefined, flags: string): string {
  const w = width === undefined ? 0 : Number(width)
  if (s.length >= w) return s
  if (flags.includes("-")) return s + " ".repeat(w - s.length)
  if (flags.includes("0") && /^[+-]?\d/.test(s)) {
    const sg = /^[+-]/.test(s) ? (s[0] ?? "") : ""
    return sg + "0".repeat(w - s.length) + s.slice(sg.length)
  }
  return " ".repeat(w - s.length) + s
}
