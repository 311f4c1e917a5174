import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { encryptStreamed } from "../../../src/ops/encrypt-stream.js"
import { fakeAge, fixedDeps, produced, rules, sealRequest } from "./stream-helpers.js"

// The one-pass JSON seal must write byte for byte what the tree path writes.

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
const document = fc
  .tuple(ws, fc.array(fc.tuple(topKey, ws, value), { maxLength: 5 }), ws)
  .map(([a, es, b]) => `${a}{${es.map(([k, w, v]) => `"${k}":${w}${v}`).join(",")}}${b}`)

describe("JSON sealed in one pass", () => {
  test.prop(
    {
      doc: document,
      rule: rules,
      macOnly: fc.boolean(),
      indent: fc.option(fc.constantFrom(2, 4)),
    },
    { numRuns: 300 },
  )("should seal byte for byte what the tree path seals, with the same randomness", async (c) => {
    const req = sealRequest(Buffer.from(c.doc), "json", c)
    const streamed = await encryptStreamed(req, fixedDeps(), 0)
    if (streamed === null) throw new Error("the one-pass path did not apply")
    expect(produced(streamed)).toBe(Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8"))
  })

  it("should hand over (null) what the tree path must read or refuse", async () => {
    const hands = [
      '{"sops": {}}', // already sealed
      '\ufeff{"a": 1}', // BOM
      '{"a": 1e999}', // not writable back
      '{"a": 01}',
      '{"a": "\\x"}',
      '{"a": 1,}',
      "[1]",
      "",
      '{"a": "\u0001"}',
      "[".repeat(1001) + "]".repeat(1001),
    ]
    for (const doc of hands) {
      expect(await encryptStreamed(sealRequest(Buffer.from(doc), "json", {}), fixedDeps(), 0)).toBeNull()
    }
    const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) // invalid UTF-8
    expect(await encryptStreamed(sealRequest(bad, "json", {}), fixedDeps(), 0)).toBeNull()
    const ok = Buffer.from('{"a": "b"}')
    expect(await encryptStreamed(sealRequest(ok, "json", {}), fixedDeps())).toBeNull() // below 1 MiB
    const twoGroups = sealRequest(ok, "json", { keyGroups: [[fakeAge], [fakeAge]] })
    expect(await encryptStreamed(twoGroups, fixedDeps(), 0)).toBeNull()
    expect(await encryptStreamed(sealRequest(ok, "json", {}), fixedDeps(), 0)).not.toBeNull()
  })
})
