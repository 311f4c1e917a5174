import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { encryptStreamed } from "../../../src/ops/encrypt-stream.js"
import { yamlDoc } from "../formats/yaml-docs.js"
import { fileLike, fixedDeps, produced, rules, sealRequest } from "./stream-helpers.js"

// The one-pass YAML seal must write byte for byte what the tree path writes, and take every
// document the line reader takes.

async function treeSeal(req: Parameters<typeof encryptDocument>[0]): Promise<string | { threw: string }> {
  try {
    return Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8")
  } catch (err) {
    return { threw: (err as Error).message }
  }
}

const hasTopLevelSops = (text: string): boolean => /^sops:/m.test(text)

describe("YAML sealed in one pass", () => {
  test.prop(
    { doc: yamlDoc, rule: rules, macOnly: fc.boolean(), indent: fc.option(fc.constantFrom(2, 4)) },
    { numRuns: 300 },
  )("should seal byte for byte what the tree path seals, with the same randomness", async (c) => {
    const req = sealRequest(Buffer.from(c.doc), "yaml", c)
    const streamed = await encryptStreamed(req, fixedDeps(), 0)
    if (readYamlLines(c.doc) !== null && !hasTopLevelSops(c.doc)) expect(streamed).not.toBeNull()
    if (readYamlLines(c.doc) === null) expect(streamed).toBeNull()
    if (streamed !== null) expect(produced(streamed)).toBe(await treeSeal(req))
  })

  it("should take the bench's shape and literal blocks, and hand over what it must", async () => {
    const bench = ["# generated", "svc_0:", "    user: user-0", "    password: pw-0-x", ""].join("\n")
    const literal = "a:\n  - k: |\n      two\n      lines\n    n: 1\n  - x\nb: |-\n  s\nc: {}\n"
    for (const doc of [bench, literal, `\ufeff${bench}`]) {
      const req = sealRequest(Buffer.from(doc), "yaml", {})
      const streamed = await encryptStreamed(req, fixedDeps(), 0)
      if (streamed === null) throw new Error("the one-pass path did not apply")
      expect(produced(streamed)).toBe(await treeSeal(req))
    }
    for (const doc of ["sops:\n  a: 1\n", "a: &x 1\n", "a: [1]\n", "a: 1\n---\nb: 2\n", "a: 1\na: 2\n", ""]) {
      expect(await encryptStreamed(sealRequest(Buffer.from(doc), "yaml", {}), fixedDeps(), 0)).toBeNull()
    }
  })

  test.prop({ doc: yamlDoc, rule: rules, piece: fc.integer({ min: 1, max: 97 }) }, { numRuns: 200 })(
    "should seal a file read in pieces byte for byte as the same bytes in memory",
    async (c) => {
      const bytes = Buffer.from(c.doc)
      const whole = await encryptStreamed(sealRequest(bytes, "yaml", c), fixedDeps(), 0)
      const file = fileLike(bytes)
      const req = { ...sealRequest(bytes, "yaml", c), input: file }
      const inPieces = await encryptStreamed(req, fixedDeps(), 0, c.piece)
      if (whole === null) return void expect(inPieces).toBeNull()
      if (inPieces === null) throw new Error("a file read in pieces was handed over")
      expect(produced(inPieces)).toBe(produced(whole))
      expect(file.reads).toBeGreaterThan(0)
    },
  )
})
