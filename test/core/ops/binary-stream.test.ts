import { fc, test } from "@fast-check/vitest"
import { generateX25519Identity, identityToRecipient } from "age-encryption"
import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode } from "../../../src/errors.js"
import { AgeBackend, AgeOpener } from "../../../src/keys/age.js"
import { decryptBinaryFast } from "../../../src/ops/decrypt-binary.js"
import { decryptDocument } from "../../../src/ops/decrypt-document.js"
import { encryptBinaryPieces } from "../../../src/ops/encrypt-binary.js"
import { encryptDocument } from "../../../src/ops/encrypt-document.js"
import { PIECE_BYTES } from "../../../src/seal/seal-binary.js"
import { binaryOpenRequest, binaryRequest, fileLike, fixedDeps } from "./stream-helpers.js"

// The streaming binary paths must write and read exactly what the tree paths do.

const joined = (pieces: Iterable<Uint8Array>): Buffer => Buffer.concat([...pieces])

async function ageKeys(): Promise<{ backend: AgeBackend; opener: AgeOpener }> {
  const id = await generateX25519Identity()
  return { backend: new AgeBackend(await identityToRecipient(id)), opener: new AgeOpener([id]) }
}

// Sizes around the piece boundary, where a wrong split would show.
const sizes = fc.oneof(
  fc.integer({ min: 1, max: 300 }),
  fc.constantFrom(PIECE_BYTES - 1, PIECE_BYTES, PIECE_BYTES + 1, 2 * PIECE_BYTES, 2 * PIECE_BYTES + 2),
)

describe("binary files sealed and opened in pieces", () => {
  test.prop({ size: sizes, seed: fc.nat(255), indent: fc.option(fc.constantFrom(2, 4)) }, { numRuns: 20 })(
    "should seal byte for byte what the tree path seals, with the same randomness",
    async ({ size, seed, indent }) => {
      const input = Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff)
      const req = binaryRequest(input, indent === null ? {} : { emit: { indent } })
      const pieces = await encryptBinaryPieces(req, fixedDeps(), 0)
      if (pieces === null) throw new Error("the streaming path did not apply")
      expect(joined(pieces).toString("utf8")).toBe(
        Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8"),
      )
    },
  )

  test.prop({ size: sizes, seed: fc.nat(255) }, { numRuns: 20 })(
    "should seal a file read in pieces byte for byte as the same bytes in memory, reading it twice",
    async ({ size, seed }) => {
      const input = Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff)
      const whole = await encryptBinaryPieces(binaryRequest(input), fixedDeps(), 0)
      const file = fileLike(input)
      const inPieces = await encryptBinaryPieces({ ...binaryRequest(input), input: file }, fixedDeps(), 0)
      if (whole === null || inPieces === null) throw new Error("the streaming path did not apply")
      expect(joined(inPieces).equals(joined(whole))).toBe(true)
      // Once for the MAC, once to encrypt: a read per piece each time, never the whole file at once.
      expect(file.reads).toBe(2 * Math.ceil(size / PIECE_BYTES))
    },
  )

  test.prop({ size: sizes, text: fc.boolean() }, { numRuns: 10 })(
    "should open what the tree path opens, with and without consuming the input",
    async ({ size, text }) => {
      const { backend, opener } = await ageKeys()
      // Valid UTF-8 and random bytes take different branches of the tree path.
      const input = text
        ? Buffer.from("é".repeat(size))
        : Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) & 0xff))
      const sealed = await encryptDocument(binaryRequest(input, { keyGroups: [[backend]] }), fixedDeps())
      const slow = await decryptDocument(binaryOpenRequest(sealed, [opener]))
      expect(Buffer.from(slow).equals(input)).toBe(true)
      expect(
        Buffer.from((await decryptBinaryFast(binaryOpenRequest(sealed, [opener]), 0)) ?? []).equals(input),
      ).toBe(true)
      const own = Uint8Array.from(sealed)
      const consumed = await decryptBinaryFast(binaryOpenRequest(own, [opener], { consumeInput: true }), 0)
      expect(Buffer.from(consumed ?? []).equals(input)).toBe(true)
      expect(Buffer.from(sealed).equals(Buffer.from(own))).toBe(false) // it really wrote over the input
    },
  )

  it("should refuse a changed value or MAC as the tree path does, and open with --ignore-mac", async () => {
    const { backend, opener } = await ageKeys()
    const input = Buffer.alloc(PIECE_BYTES * 2 + 5, 7)
    const sealed = Buffer.from(
      await encryptDocument(binaryRequest(input, { keyGroups: [[backend]] }), fixedDeps()),
    ).toString("utf8")
    const at = sealed.indexOf("data:") + 5 + 1000
    const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1)
    const bytes = (s: string): Uint8Array => Buffer.from(s)
    const codeOf = async (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => "ok",
        (e: unknown) => (e instanceof BridgeError ? e.code : String(e)),
      )
    expect(await codeOf(decryptBinaryFast(binaryOpenRequest(bytes(flip(sealed, at)), [opener]), 0))).toBe(
      ErrorCode.Decrypt,
    )
    expect(await codeOf(decryptDocument(binaryOpenRequest(bytes(flip(sealed, at)), [opener])))).toBe(
      ErrorCode.Decrypt,
    )
    // A MAC sealed for other content: take the MAC of another file sealed with the same key.
    const macAt = sealed.indexOf('"mac": "ENC[AES256_GCM,data:') + 30
    const badMac = bytes(flip(sealed, macAt))
    expect(await codeOf(decryptBinaryFast(binaryOpenRequest(badMac, [opener]), 0))).toBe(
      ErrorCode.MacMismatch,
    )
    expect(await codeOf(decryptDocument(binaryOpenRequest(badMac, [opener])))).toBe(ErrorCode.MacMismatch)
    const opened = await decryptBinaryFast(binaryOpenRequest(badMac, [opener], { ignoreMac: true }), 0)
    expect(Buffer.from(opened ?? []).equals(input)).toBe(true)
  })

  it("should hand over (null) what is not a plain sealed binary layout or request", async () => {
    const { backend, opener } = await ageKeys()
    const sealed = Buffer.from(
      await encryptDocument(binaryRequest(Buffer.from("hello"), { keyGroups: [[backend]] }), fixedDeps()),
    )
    const text = sealed.toString("utf8")
    // sops' order is data first; a file with the metadata first goes the tree path.
    const doc = JSON.parse(text) as { sops: unknown; data: string }
    const reordered = JSON.stringify({ sops: doc.sops, data: doc.data })
    expect(await decryptBinaryFast(binaryOpenRequest(Buffer.from(reordered), [opener]), 0)).toBeNull()
    expect(
      await decryptBinaryFast(
        binaryOpenRequest(sealed, [opener], { extract: [{ kind: "key", key: "data" }] }),
        0,
      ),
    ).toBeNull()
    expect(
      await decryptBinaryFast(binaryOpenRequest(sealed, [opener], { outputFormat: "json" }), 0),
    ).toBeNull()
    expect(await decryptBinaryFast(binaryOpenRequest(sealed, [opener]))).toBeNull() // below the size threshold
    expect(await encryptBinaryPieces(binaryRequest(Buffer.alloc(0)), fixedDeps(), 0)).toBeNull()
    expect(await encryptBinaryPieces(binaryRequest(Buffer.from("small")), fixedDeps())).toBeNull()
  })
})
