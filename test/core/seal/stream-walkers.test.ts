import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import type { FormatName } from "../../../src/formats/format.js"
import { streamYaml } from "../../../src/formats/yaml-stream.js"
import { PieceSink } from "../../../src/formats/piece-sink.js"
import type { KeyOpener } from "../../../src/keys/backend.js"
import { decryptDocument, type DecryptRequest } from "../../../src/ops/decrypt-document.js"
import { decryptStreamed } from "../../../src/ops/decrypt-stream.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { encryptStreamed } from "../../../src/ops/encrypt-stream.js"
import { RuleKind, type SelectionRule } from "../../../src/seal/metadata-types.js"
import { StreamSealer } from "../../../src/seal/stream-sealer.js"
import { fixedDeps, produced, sealRequest } from "../ops/stream-helpers.js"

// The one-pass sealer and opener (src/seal/stream-*.ts) against the tree path on fixed documents
// that reach every decision: all rules, mac_only_encrypted, comments at several levels, empty and
// null values, every scalar type; and the opener's errors, message for message. The randomised
// comparisons live in test/core/ops/*-stream.test.ts (too slow to run for every mutant).

// In the line reader's subset both ways (the one-pass open hands nested YAML maps and nulls to
// the tree path; JSON below has both).
const yamlDoc = `# top note
a: 1
# marker spaced
pw: secret
b_unencrypted: plain
# inner c note
f: 2.5
e: ""
list:
    - one
    - 2
    - true
z: last
`
/** Sealed only: nested maps and null in YAML. */
const yamlNested = `a: 1
nested:
    x: two
    # inner c note
    f: 2.5
    n: null
    deeper:
        pw: secret
z: last
`
const jsonDoc = `{"a": 1, "pw": "secret", "b_unencrypted": "plain", "nested": {"x": "two", "f": 2.5, "t": true, "n": null, "e": "", "list": ["one", 2]}, "z": "last"}`

const rules: (SelectionRule | null)[] = [
  null,
  { kind: RuleKind.UnencryptedSuffix, value: "_unencrypted" },
  { kind: RuleKind.EncryptedSuffix, value: "w" },
  { kind: RuleKind.UnencryptedRegex, value: "^(a|x)$" },
  { kind: RuleKind.EncryptedRegex, value: "pw|list" },
  { kind: RuleKind.UnencryptedCommentRegex, value: "c note" },
  { kind: RuleKind.EncryptedCommentRegex, value: "spaced|inner" },
]

/** Opens the fake age key of stream-helpers (its wrapped form is the key's hex). */
const opener: KeyOpener = {
  kind: "age",
  unwrap: (w) => Promise.resolve(w.kind === "age" ? new Uint8Array(Buffer.from(w.enc, "hex")) : null),
}
const openRequest = (input: Uint8Array, format: FormatName, ignoreMac = false): DecryptRequest => ({
  input,
  source: `doc.${format}`,
  inputFormat: format,
  outputFormat: format,
  openers: [opener],
  ignoreMac,
})
async function outcome(run: () => Promise<Uint8Array | Uint8Array[] | null>): Promise<string> {
  try {
    const r = await run()
    return r === null ? "null" : Buffer.concat(r instanceof Uint8Array ? [r] : r).toString("utf8")
  } catch (err) {
    return err instanceof BridgeError ? `${err.code}: ${err.message}` : `not a BridgeError: ${String(err)}`
  }
}
/** Both paths on one input: the one-pass result must exist and equal the tree path's. */
async function bothOpen(input: Uint8Array, format: FormatName, ignoreMac = false): Promise<string> {
  const req = openRequest(input, format, ignoreMac)
  const fast = await outcome(() => decryptStreamed(req, 0))
  expect(fast).not.toBe("null")
  expect(fast).toBe(await outcome(() => decryptDocument(req)))
  return fast
}
async function seal(doc: string, format: FormatName, rule: SelectionRule | null, macOnly: boolean) {
  const req = sealRequest(Buffer.from(doc), format, { rule, macOnly })
  const streamed = await encryptStreamed(req, fixedDeps(), 0)
  if (streamed === null) throw new Error("the one-pass seal did not apply")
  const text = produced(streamed)
  expect(text).toBe(Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8"))
  return text
}
const replaceNth = (text: string, re: RegExp, n: number, by: (m: string) => string): string => {
  let i = 0
  return text.replace(re, (m) => (i++ === n ? by(m) : m))
}
const ENC = /ENC\[AES256_GCM,data:[^\]]*\]/g

describe("one-pass seal and open against the tree path", () => {
  for (const [format, doc] of [
    ["yaml", yamlDoc],
    ["json", jsonDoc],
  ] as const)
    for (const rule of rules)
      for (const macOnly of [false, true])
        it(`${format}, ${rule === null ? "default rule" : `${rule.kind} ${rule.value}`}${macOnly ? ", mac_only_encrypted" : ""}`, async () => {
          const sealed = await seal(doc, format, rule, macOnly)
          const opened = await bothOpen(Buffer.from(sealed), format)
          if (format === "json") expect(JSON.parse(opened)).toEqual(JSON.parse(doc))
          else expect(opened).toBe(doc)
        })

  describe("one-pass open of tampered files against the tree path", () => {
    for (const [format, doc] of [
      ["yaml", yamlDoc],
      ["json", jsonDoc],
    ] as const)
      it(`${format}: each value, comment and the MAC changed in turn`, async () => {
        const sealed = await seal(doc, format, null, false)
        const opened = await bothOpen(Buffer.from(sealed), format)
        // Every sealed value, comment and the MAC (last) tampered with, checked and with --ignore-mac.
        const found = [...sealed.matchAll(ENC)]
        for (const [n, m] of found.entries()) {
          const flipped = m[0].replace(/data:(.)/, (_, c: string) => `data:${c === "A" ? "B" : "A"}`)
          const bad = Buffer.from(replaceNth(sealed, ENC, n, () => flipped))
          const isComment = sealed[(m.index ?? 0) - 1] === "#"
          if (isComment) {
            // A comment that does not open is kept as it is (sops does the same); sealed and
            // opened YAML have the same lines up to the sops block.
            const line = sealed.split("\n").indexOf(`#${m[0]}`)
            const lines = opened.split("\n")
            lines[line] = `#${flipped}`
            expect(await bothOpen(bad, format)).toBe(lines.join("\n"))
            continue
          }
          expect(await bothOpen(bad, format)).toMatch(/^(DECRYPT|MAC_MISMATCH): doc\.(yaml|json): /)
          // --ignore-mac: a tampered value still fails; a tampered MAC is not read at all.
          if (n === found.length - 1) expect(await bothOpen(bad, format, true)).toBe(opened)
          else expect(await bothOpen(bad, format, true)).toMatch(/^DECRYPT: doc\.(yaml|json): /)
        }
      })
  })
})

describe("one-pass seal of nested YAML", () => {
  for (const rule of rules)
    it(`${rule === null ? "default rule" : `${rule.kind} ${rule.value}`}`, async () => {
      const sealed = await seal(yamlNested, "yaml", rule, false)
      expect(sealed).toMatch(/^a: /)
    })
})

describe("one-pass open errors", () => {
  it("should name the value that is not a string, not sealed, or edited in the clear", async () => {
    const sealed = await seal(jsonDoc, "json", null, false)
    const firstValue = (by: string): Buffer => Buffer.from(replaceNth(sealed, /"ENC\[[^"]*"/g, 0, () => by))
    expect(await bothOpen(firstValue("12"), "json")).toBe(
      "DECRYPT: doc.json: a: should be encrypted but is not a string",
    )
    expect(await bothOpen(firstValue('"junk"'), "json")).toBe(
      "DECRYPT: doc.json: a: is not a valid sealed value",
    )
    expect(await bothOpen(firstValue('"ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:int]"'), "json")).toBe(
      "DECRYPT: doc.json: a: cannot be decrypted (tampered, or moved from another key)",
    )
    // An emptied value stays empty; only the MAC (which covered its old value) then fails.
    expect(await bothOpen(firstValue('""'), "json")).toBe("MAC_MISMATCH: doc.json: MAC mismatch")
    const opened = await bothOpen(firstValue('""'), "json", true)
    expect(JSON.parse(opened)).toMatchObject({ a: "", pw: "secret" })
    // A value left unsealed by the rule, edited: only the MAC tells.
    const plain = await seal(jsonDoc, "json", { kind: RuleKind.EncryptedRegex, value: "pw" }, false)
    const edited = Buffer.from(plain.replace('"z": "last"', '"z": "LAST"'))
    expect(await bothOpen(edited, "json")).toBe("MAC_MISMATCH: doc.json: MAC mismatch")
    const macOnly = await seal(jsonDoc, "json", { kind: RuleKind.EncryptedRegex, value: "pw" }, true)
    expect(
      JSON.parse(await bothOpen(Buffer.from(macOnly.replace('"z": "last"', '"z": "LAST"')), "json")),
    ).toMatchObject({
      z: "LAST",
    })
  })

  it("should keep a sealed comment it cannot open as it is, and open the others", async () => {
    const sealed = await seal(yamlDoc, "yaml", null, false)
    // The same document sealed under another data key: its comments cannot be opened here.
    let c = 7
    const other = {
      now: fixedDeps().now,
      randomBytes: (n: number) => Uint8Array.from({ length: n }, () => c++ & 0xff),
    }
    const foreign = Buffer.from(
      await encryptDocument(sealRequest(Buffer.from(yamlDoc), "yaml", {}), other),
    ).toString()
    const first = (t: string): string => /^#(ENC\[[^\]]*\])$/m.exec(t)?.[1] ?? "-"
    expect(first(foreign)).not.toBe(first(sealed))
    const moved = sealed.replace(first(sealed), first(foreign))
    expect(await bothOpen(Buffer.from(moved), "yaml")).toBe(yamlDoc.replace(" top note", first(foreign)))
  })
})

describe("StreamSealer", () => {
  it("should count the values and comments it sealed", () => {
    const sealer = new StreamSealer(new Uint8Array(32).fill(1), null, false, (n) => new Uint8Array(n))
    expect(streamYaml(Buffer.from(yamlDoc), 4, sealer, new PieceSink(() => undefined), false)).toBe(true)
    // 7 values (not b_unencrypted or the empty string) and 3 comments.
    expect(sealer.sealed).toBe(10)
  })
})
