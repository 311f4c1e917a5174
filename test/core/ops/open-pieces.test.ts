import { beforeAll, describe, expect, it } from "vitest"
import { BridgeError, ErrorCode } from "../../../src/errors.js"
import { BytesSource, lastIndexIn, readRange, type ByteSource } from "../../../src/formats/byte-source.js"
import type { FormatName } from "../../../src/formats/format.js"
import { AgeBackend, AgeOpener, ageRecipientOf, generateAgeIdentity } from "../../../src/keys/age.js"
import { decryptDocument, type DecryptRequest } from "../../../src/ops/decrypt-document.js"
import { decryptStreamed, openStreamed } from "../../../src/ops/decrypt-stream.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { fixedDeps, sealRequest } from "./stream-helpers.js"

// A large sealed file is opened from a source read in pieces: every piece boundary (inside a
// key, a value, an ENC[...] envelope, an escape, a multibyte character) gives the same bytes.

let backend: AgeBackend
let opener: AgeOpener
beforeAll(async () => {
  const id = await generateAgeIdentity()
  backend = new AgeBackend(await ageRecipientOf(id))
  opener = new AgeOpener([id])
})

const request = (input: Uint8Array, format: FormatName, ignoreMac = false): DecryptRequest => ({
  input,
  source: `doc.${format}`,
  inputFormat: format,
  outputFormat: format,
  openers: [opener],
  ignoreMac,
})

const seal = async (doc: string, format: FormatName): Promise<Uint8Array> =>
  encryptDocument(sealRequest(Buffer.from(doc), format, { keyGroups: [[backend]] }), fixedDeps())

const entries = Array.from({ length: 40 }, (_, i) => `"k${i}": {"v": "é${i}", "w": [${i}, "\\u00e9\\n"]}`)
const JSON_DOC = `{"é€😀": "naïve \\"quoted\\" \\\\ \\u00e9\\ud83d\\ude00 tab\\t", "n": [1, -2.5e3, true, null],
 "deep": {"k\\nv": {"x_unencrypted": "clear é", "s": ""}}, ${entries.join(", ")}, "long": "${"λ".repeat(300)}"}`

const lines = Array.from(
  { length: 40 },
  (_, i) => `k${i}:\n    v: é${i} 😀\n    w:\n        - ${i}\n        - "\\u00e9\\t"\n`,
)
const YAML_DOC = `# top comment é
key: välue 😀
list:
    - a
    - "quoted\\t\\u00e9"
    - nested: {}
      other: []
deep:
    num: 12
    # inner é
    x_unencrypted: clear €
${lines.join("")}long: ${"ж".repeat(300)}
`

const text = (pieces: Uint8Array[] | null): string | null =>
  pieces === null ? null : Buffer.concat(pieces).toString("utf8")

/** A source that also counts the bytes held per read (what the window asks for). */
function counting(bytes: Uint8Array): { source: ByteSource; largest: () => number; reset(): void } {
  const inner = new BytesSource(bytes)
  let largest = 0
  return {
    source: {
      size: inner.size,
      read: (into, at) => {
        largest = Math.max(largest, into.length)
        return inner.read(into, at)
      },
    },
    largest: () => largest,
    reset: () => void (largest = 0),
  }
}

describe("opening a sealed file read in pieces", () => {
  for (const [format, doc] of [
    ["json", JSON_DOC],
    ["yaml", YAML_DOC],
  ] as const) {
    it(`should open ${format} byte for byte as the tree path, for every piece size from 1 byte`, async () => {
      const file = await seal(doc, format)
      const tree = Buffer.from(await decryptDocument(request(file, format))).toString("utf8")
      // go-yaml (sops) writes a character beyond the BMP escaped, in double quotes.
      expect(tree).toContain(format === "yaml" ? '"é0 \\U0001F600"' : "😀")
      expect(text(await decryptStreamed(request(file, format), 0))).toBe(tree)
      for (const piece of [...Array.from({ length: 48 }, (_, i) => i + 1), 61, 64, 97, 128, 160, 4096]) {
        expect(text(await decryptStreamed(request(file, format), 0, piece)), `piece ${piece}`).toBe(tree)
      }
    }, 60_000)

    it(`should read ${format} a piece at a time, never the whole file`, async () => {
      const file = await seal(doc, format)
      const src = counting(file)
      const opening = await openStreamed(request(file, format), src.source, { minBytes: 0, piece: 64 })
      if (opening === null) throw new Error("the one-pass path did not apply")
      src.reset() // the first pass and the metadata read are behind; count the opening pass
      const out: Uint8Array[] = []
      expect(opening.run((p) => out.push(p))).toMatch(/^[0-9A-F]{128}$/)
      expect(text(out)).toBe(Buffer.from(await decryptDocument(request(file, format))).toString("utf8"))
      // The window grows only to hold the longest token (the 300-character value sealed).
      expect(src.largest()).toBeLessThan(4096)
      expect(file.length).toBeGreaterThan(4 * 4096)
    })

    it(`should fail a tampered ${format} value or MAC as the tree path does, whatever the piece size`, async () => {
      const file = Buffer.from(await seal(doc, format)).toString("utf8")
      const tampered = [
        file.replace(
          /(long"?: "?ENC\[AES256_GCM,data:)([A-Za-z0-9+/])/,
          (_, a: string, c: string) => a + (c === "A" ? "B" : "A"),
        ),
        file.replace("clear", "clean"),
      ]
      for (const [i, t] of tampered.entries()) {
        const req = request(Buffer.from(t), format)
        const want = await decryptDocument(req).then(
          () => "opened",
          (e: unknown) => (e instanceof BridgeError ? e.code : "other"),
        )
        expect(want).toBe(i === 0 ? ErrorCode.Decrypt : ErrorCode.MacMismatch)
        for (const piece of [1, 7, 64, undefined]) {
          const got = await decryptStreamed(req, 0, piece).then(
            () => "opened",
            (e: unknown) => (e instanceof BridgeError ? e.code : "other"),
          )
          expect(got, `piece ${String(piece)}`).toBe(want)
        }
      }
    })
  }

  it("should hand over (null) invalid UTF-8 and, for YAML, a tab or CR cut by a piece boundary", async () => {
    const json = Buffer.from(await seal(JSON_DOC, "json"))
    const yaml = Buffer.from(await seal(YAML_DOC, "yaml"))
    // A lone continuation byte inside the first string; a tab and a CR inside a clear value.
    const badJson = Buffer.concat([json.subarray(0, 3), Buffer.from([0x80]), json.subarray(3)])
    const tab = Buffer.from(yaml.toString("utf8").replace("clear", "cl\tear"))
    const cr = Buffer.from(yaml.toString("utf8").replace("clear", "cl\rear"))
    expect(await decryptStreamed(request(yaml, "yaml"), 0, 3)).not.toBeNull()
    const cutChar = Buffer.from(yaml)
    const euro = cutChar.indexOf(Buffer.from("€"))
    cutChar[euro + 2] = 0x41 // a 3-byte character cut short
    for (const piece of [1, 2, 3, 5, 64, undefined]) {
      expect(await decryptStreamed(request(badJson, "json"), 0, piece)).toBeNull()
      expect(await decryptStreamed(request(tab, "yaml"), 0, piece)).toBeNull()
      expect(await decryptStreamed(request(cr, "yaml"), 0, piece)).toBeNull()
      expect(await decryptStreamed(request(cutChar, "yaml"), 0, piece)).toBeNull()
    }
  })

  it("should find the last occurrence of a needle across piece boundaries, and read ranges", () => {
    const bytes = Buffer.from("abc\nsops:\nxyz\nsops:\nend")
    const src = counting(bytes).source
    for (const piece of [1, 2, 3, 4, 7, 100])
      expect(lastIndexIn(src, Buffer.from("\nsops:\n"), piece)).toBe(13)
    expect(lastIndexIn(src, Buffer.from("nope"), 3)).toBe(-1)
    expect(readRange(src, 14, 24).toString()).toBe("sops:\nend")
  })
})
