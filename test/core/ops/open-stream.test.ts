import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import type { FormatName } from "../../../src/formats/format.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { AgeBackend, AgeOpener, ageRecipientOf, generateAgeIdentity } from "../../../src/keys/age.js"
import { decryptDocument } from "../../../src/ops/decrypt-document.js"
import { decryptStreamed } from "../../../src/ops/decrypt-stream.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { yamlDoc } from "../formats/yaml-docs.js"
import { jsonDocument } from "./json-docs.js"
import { fixedDeps, openRequest, rules, sealRequest } from "./stream-helpers.js"
import { hasSealedListComment } from "../../helpers/sealed-list-comment.js"

// The one-pass open must give byte for byte what the tree path gives, and fail where it fails.

let backend: AgeBackend
let opener: AgeOpener
beforeAll(async () => {
  const id = await generateAgeIdentity()
  backend = new AgeBackend(await ageRecipientOf(id))
  opener = new AgeOpener([id])
})

async function outcome(run: () => Promise<Uint8Array | Uint8Array[] | null>): Promise<string> {
  try {
    const r = await run()
    return r === null ? "null" : Buffer.concat(r instanceof Uint8Array ? [r] : r).toString("utf8")
  } catch (err) {
    return err instanceof BridgeError ? `${err.code}: ${err.message}` : String(err)
  }
}

async function sealed(doc: string, format: FormatName, c: object): Promise<Uint8Array | null> {
  try {
    return await encryptDocument(
      sealRequest(Buffer.from(doc), format, { ...c, keyGroups: [[backend]] }),
      fixedDeps(),
    )
  } catch {
    return null // input the tree path refuses to seal: nothing to open
  }
}

/** Flips one base64 character inside the n-th sealed value (or the MAC, the last one). */
function tamper(file: Uint8Array, n: number): Uint8Array {
  const text = Buffer.from(file).toString("utf8")
  const at = [...text.matchAll(/ENC\[AES256_GCM,data:([A-Za-z0-9+/]+)/g)].map((m) => (m.index ?? 0) + 20)
  const i = at.length === 0 ? -1 : (at[n % at.length] ?? -1)
  if (i < 0) return file
  return Buffer.from(text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1))
}

const cases = {
  rule: rules,
  macOnly: fc.boolean(),
  indent: fc.option(fc.constantFrom(2, 4)),
  n: fc.nat(50),
  // Bytes read at a time: small enough to cut values, envelopes, escapes and characters.
  piece: fc.integer({ min: 1, max: 97 }),
}

describe("YAML and JSON opened in one pass", () => {
  for (const [format, docs] of [
    ["json", jsonDocument],
    ["yaml", yamlDoc],
  ] as const) {
    test.prop({ doc: docs, ...cases }, { numRuns: 60 })(
      `should open ${format} as the tree path does, tampered or not, with and without --ignore-mac`,
      async (c) => {
        const file = await sealed(c.doc, format, c)
        if (file === null) return
        const emit = c.indent === null ? {} : { emit: { indent: c.indent } }
        // sops reads no further than the top-level object's closing brace: text after it is ignored.
        const trailing = Buffer.concat([file, Buffer.from(' junk{"a": 1}')])
        for (const input of [file, tamper(file, c.n), ...(format === "json" ? [trailing] : [])]) {
          for (const ignoreMac of [false, true]) {
            const req = openRequest(input, format, [opener], { ignoreMac, ...emit })
            const fast = await outcome(() => decryptStreamed(req, 0))
            // Read in pieces, the file opens (or fails) exactly as when it is read whole.
            expect(await outcome(() => decryptStreamed(req, 0, c.piece))).toBe(fast)
            if (fast !== "null") expect(fast).toBe(await outcome(() => decryptDocument(req)))
            else if (
              input === file &&
              (format === "json" ||
                (readYamlLines(Buffer.from(file).toString()) !== null &&
                  !hasSealedListComment(Buffer.from(file).toString())))
            )
              throw new Error("the one-pass path did not apply to a file it should take")
          }
        }
      },
      120_000,
    )
  }

  it("should place a final comment run before the sops key, as go-yaml (sops 3.13.2) does", async () => {
    // The sealed file's data part ends in `    #`; the `sops:` key follows, so go-yaml puts the
    // comment in the innermost map (column 8), not at the document's end (column 4).
    const file = await sealed("k0:\n  k1: x\n  k2:\n    k3: a\n  #\n", "yaml", {})
    if (file === null) throw new Error("could not seal")
    expect(Buffer.from(file).toString()).toMatch(/\n {8}k3: ENC\[[^\n]*\n {4}#\nsops:\n/)
    const req = openRequest(file, "yaml", [opener])
    const expected = "k0:\n    k1: x\n    k2:\n        k3: a\n        #\n"
    expect(await outcome(() => decryptStreamed(req, 0))).toBe(expected)
    expect(await outcome(() => decryptStreamed(req, 0, 7))).toBe(expected)
    expect(await outcome(() => decryptDocument(req))).toBe(expected)
  })

  it("should keep a run before a key of the enclosing map there, as go-yaml (sops 3.13.2) does", async () => {
    // The run ends before `d`, a real next key: it is not the run before `sops:` at column 0
    // (yaml-line-read.ts' sopsAfter), so it stays with `d` at column 4 instead of closing b's map.
    const file = await sealed("a:\n  b:\n    c: 1\n  # x\n  d: 2\n", "yaml", {})
    if (file === null) throw new Error("could not seal")
    const req = openRequest(file, "yaml", [opener])
    const expected = "a:\n    b:\n        c: 1\n    # x\n    d: 2\n"
    expect(await outcome(() => decryptStreamed(req, 0))).toBe(expected)
    expect(await outcome(() => decryptStreamed(req, 0, 7))).toBe(expected)
    expect(await outcome(() => decryptDocument(req))).toBe(expected)
  })

  it("should hand over (null) small files, --extract, other output types and other layouts", async () => {
    const file = await sealed('{"a": "b", "c": [1, 2.5]}', "json", {})
    if (file === null) throw new Error("could not seal")
    expect(await decryptStreamed(openRequest(file, "json", [opener]))).toBeNull()
    expect(
      await decryptStreamed(openRequest(file, "json", [opener], { extract: [{ kind: "key", key: "a" }] }), 0),
    ).toBeNull()
    expect(await decryptStreamed(openRequest(file, "json", [opener], { outputFormat: "yaml" }), 0)).toBeNull()
    const doc = JSON.parse(Buffer.from(file).toString()) as Record<string, unknown>
    const sopsFirst = JSON.stringify({ sops: doc["sops"], a: doc["a"], c: doc["c"] })
    expect(await decryptStreamed(openRequest(Buffer.from(sopsFirst), "json", [opener]), 0)).toBeNull()
    expect(await decryptStreamed(openRequest(file, "json", [opener]), 0)).not.toBeNull()
  })
})
