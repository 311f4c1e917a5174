import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { encryptDocument, type EncryptRequest } from "../../../src/ops/encrypt-document.js"
import { encryptStreamed } from "../../../src/ops/encrypt-stream.js"
import { fixedDeps, produced, rules, sealRequest } from "./stream-helpers.js"

// dotenv is sealed in one pass at any size: byte for byte what the tree path writes
// with the same randomness, the same errors, and the tree path for everything else.

const key = fc.oneof(
  fc.constantFrom("a", "b", "pw1", "API_KEY", "x_unencrypted", "sops", "A B", ""),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/),
)
const value = fc.oneof(
  fc.constantFrom("", "v", "a\\nb", "x=y", " spaced ", "ü", "\r", "#no comment", "\\n"),
  fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replaceAll("\n", "")),
)
const line = fc.oneof(
  { arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`), weight: 6 },
  { arbitrary: fc.constantFrom("# c", "#spaced", "#", "# ü", "#a=b"), weight: 2 },
  { arbitrary: fc.constant(""), weight: 1 },
)
const dotenvDoc = fc
  .tuple(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.boolean())
  .map(([lines, bom, end]) => (bom ? "\ufeff" : "") + lines.join("\n") + (end ? "\n" : ""))

async function outcome(run: () => Promise<Uint8Array | Uint8Array[] | null>): Promise<string> {
  try {
    const r = await run()
    return r === null ? "null" : Buffer.concat(r instanceof Uint8Array ? [r] : r).toString("utf8")
  } catch (err) {
    return err instanceof BridgeError ? `${err.code}: ${err.message}` : String(err)
  }
}

async function treeSeal(req: EncryptRequest): Promise<string> {
  return outcome(() => encryptDocument(req, fixedDeps()))
}

/**
 * What the tree path would refuse or hand back differently: a line without `=`, a `sops_` key,
 * blank input. A byte-order mark stays in the first line (as sops reads it), so a comment or
 * blank line after it is a line without `=`.
 */
const treeOnly = (doc: string): boolean =>
  doc
    .split("\n")
    .some((l) => (l !== "" && !l.startsWith("#") && !l.includes("=")) || l.startsWith("sops_")) ||
  /^[ \n\r\t]*$/.test(doc)

describe("dotenv sealed in one pass", () => {
  test.prop({ doc: dotenvDoc, rule: rules, macOnly: fc.boolean() }, { numRuns: 300 })(
    "should seal byte for byte what the tree path seals, with the same randomness, at any size",
    async (c) => {
      const req = sealRequest(Buffer.from(c.doc), "dotenv", c)
      // The default threshold (1 MiB): dotenv does not depend on it.
      const streamed = await encryptStreamed(req, fixedDeps())
      if (treeOnly(c.doc)) {
        expect(streamed).toBeNull()
        return
      }
      if (streamed === null) throw new Error("the one-pass path did not apply")
      expect(produced(streamed)).toBe(await treeSeal(req))
    },
  )

  it("should hand the tree path a missing `=`, a sealed file, blank input and another output type", async () => {
    for (const doc of ["A=1\nnot a line\n", "A=1\nsops_version=3.13.2\n", " \n\n", ""]) {
      expect(await encryptStreamed(sealRequest(Buffer.from(doc), "dotenv", {}), fixedDeps())).toBeNull()
    }
    const toJson = { ...sealRequest(Buffer.from("A=1\n"), "dotenv", {}), outputFormat: "json" as const }
    expect(await encryptStreamed(toJson, fixedDeps())).toBeNull()
    expect(await treeSeal(sealRequest(Buffer.from("A=1\nnot a line\n"), "dotenv", {}))).toMatch(/^FORMAT: /)
  })
})
