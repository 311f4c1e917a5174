import fc from "fast-check"

// Random JSON texts (whitespace, escapes, every number form) for the one-pass seal and open tests.

const ws = fc.constantFrom("", " ", "\n", "\t", "\r\n  ")
const key = fc.oneof(
  fc.constantFrom("a", "b", "pw", "x_unencrypted", "sops", "", "k\\n", "\\u00e9t\\u00e9", "<&>"),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s).slice(1, -1)),
)
const number = fc.oneof(
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? "-0" : String(d))),
  fc.constantFrom("0", "-0", "1.0", "1e2", "1E+2", "-0.5e-3", "0.1", "12345678901234567890", "1.5"),
)
const scalar = fc.oneof(
  number,
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('""', '"\\/"', '"\\ud83d\\ude00"', '"é"', "true", "false", "null", '"\\u2028"'),
)
const { value } = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ maxDepth: 4, depthIdentifier: "json" }, scalar, tie("object"), tie("array")),
  object: fc
    .array(fc.tuple(ws, key, ws, ws, tie("value"), ws), { maxLength: 4 })
    .map((es) => `{${es.map(([a, k, b, c, v, d]) => `${a}"${k}"${b}:${c}${v}${d}`).join(",")}}`),
  array: fc
    .array(fc.tuple(ws, tie("value"), ws), { maxLength: 4 })
    .map((vs) => `[${vs.map(([a, v, b]) => `${a}${v}${b}`).join(",")}]`),
}))
const topKey = key.filter((k) => k !== "sops")
/** What may follow the top-level object: white space, or text sops never reads. */
export const afterJson = fc.oneof(
  { weight: 4, arbitrary: ws },
  {
    weight: 1,
    arbitrary: fc
      .tuple(ws, fc.constantFrom("junk", "}", "]", '{"b": 2}', "\u00ff", "// c", '"sops"', "{"))
      .map(([w, j]) => w + j),
  },
)
export const jsonDocument = fc
  .tuple(ws, fc.array(fc.tuple(topKey, ws, value), { maxLength: 5 }), afterJson)
  .map(([a, es, b]) => `${a}{${es.map(([k, w, v]) => `"${k}":${w}${v}`).join(",")}}${b}`)
