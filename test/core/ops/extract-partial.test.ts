import { generateX25519Identity, identityToRecipient } from "age-encryption"
import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode } from "../../../src/errors.js"
import { AgeBackend, AgeOpener } from "../../../src/keys/age.js"
import { decryptDocument } from "../../../src/ops/decrypt-document.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { parseExtractPath } from "../../../src/ops/extract.js"

// --extract with --ignore-mac opens only the extracted part; without --ignore-mac everything is
// opened (the MAC covers every plaintext value), as sops does.

const plain = [
  "a:",
  "    user: alice",
  "    pass: s3cret",
  "    list:",
  "        - x",
  "        - k: v",
  "b:",
  "    user: bob",
  "",
]

async function sealed(): Promise<{ text: string; opener: AgeOpener }> {
  const id = await generateX25519Identity()
  const out = await encryptDocument(
    {
      input: Buffer.from(plain.join("\n")),
      source: "s.yaml",
      inputFormat: "yaml",
      outputFormat: "yaml",
      keyGroups: [[new AgeBackend(await identityToRecipient(id))]],
      shamirThreshold: 0,
      rule: null,
      macOnlyEncrypted: false,
    },
    {
      now: () => new Date("2026-01-01T00:00:00Z"),
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    },
  )
  return { text: Buffer.from(out).toString("utf8"), opener: new AgeOpener([id]) }
}

/** Damages the sealed value on the line starting with `prefix`. */
function damage(text: string, prefix: string): string {
  const at = text.indexOf(prefix)
  const d = text.indexOf("data:", at) + 5
  return text.slice(0, d) + (text[d] === "A" ? "B" : "A") + text.slice(d + 1)
}

const extract = (text: string, opener: AgeOpener, path: string, ignoreMac: boolean): Promise<string> =>
  decryptDocument({
    input: Buffer.from(text),
    source: "s.yaml",
    inputFormat: "yaml",
    outputFormat: "yaml",
    openers: [opener],
    ignoreMac,
    extract: parseExtractPath(path),
  }).then((b) => Buffer.from(b).toString("utf8"))

const code = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof BridgeError ? e.code : String(e)),
  )

describe("--extract with and without --ignore-mac", () => {
  it("should give the same result either way on an intact file", async () => {
    const { text, opener } = await sealed()
    for (const path of ['["a"]["user"]', '["a"]["list"]', '["a"]["list"][1]', '["b"]'])
      expect(await extract(text, opener, path, true)).toBe(await extract(text, opener, path, false))
    expect(await extract(text, opener, '["a"]["pass"]', true)).toBe("s3cret")
  })

  it("should not open values outside the extracted part with --ignore-mac, and open them all without", async () => {
    const { text, opener } = await sealed()
    const bad = damage(text, "    user: ENC" /* a.user */)
    const badB = damage(text, "b:\n    user: ENC")
    // Outside the path: not opened with --ignore-mac (sops would fail here), opened without.
    expect(await extract(badB, opener, '["a"]["pass"]', true)).toBe("s3cret")
    expect(await code(extract(badB, opener, '["a"]["pass"]', false))).toBe(ErrorCode.Decrypt)
    // Inside the path: always opened, so always refused.
    expect(await code(extract(bad, opener, '["a"]', true))).toBe(ErrorCode.Decrypt)
    expect(await code(extract(bad, opener, '["a"]["user"]', true))).toBe(ErrorCode.Decrypt)
  })

  it("should report a missing path as before (after the key is opened)", async () => {
    const { text, opener } = await sealed()
    expect(await code(extract(text, opener, '["nope"]', true))).toBe(ErrorCode.ExtractMissing)
    expect(await code(extract(text, new AgeOpener([await generateX25519Identity()]), '["nope"]', true))).toBe(
      ErrorCode.NoKey,
    )
  })
})
