import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { encryptStreamed } from "../../../src/ops/encrypt-stream.js"
import { jsonDocument } from "./json-docs.js"
import { fakeAge } from "../../helpers/hex-keys.js"
import { fileLike, fixedDeps, produced, rules, sealRequest } from "./stream-helpers.js"

// The one-pass JSON seal must write byte for byte what the tree path writes.

describe("JSON sealed in one pass", () => {
  test.prop(
    {
      doc: jsonDocument,
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

  test.prop({ doc: jsonDocument, rule: rules, piece: fc.integer({ min: 1, max: 97 }) }, { numRuns: 200 })(
    "should seal a file read in pieces byte for byte as the same bytes in memory",
    async (c) => {
      const bytes = Buffer.from(c.doc)
      const whole = await encryptStreamed(sealRequest(bytes, "json", c), fixedDeps(), 0)
      const file = fileLike(bytes)
      const req = { ...sealRequest(bytes, "json", c), input: file }
      const inPieces = await encryptStreamed(req, fixedDeps(), 0, c.piece)
      if (whole === null) return void expect(inPieces).toBeNull()
      if (inPieces === null) throw new Error("a file read in pieces was handed over")
      expect(produced(inPieces)).toBe(produced(whole))
      expect(file.reads).toBeGreaterThan(0)
    },
  )
})
