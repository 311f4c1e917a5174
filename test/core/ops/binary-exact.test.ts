import { describe, expect, it } from "vitest"
import type { CallOptions, KeyBackend, KeyOpener } from "../../../src/keys/backend.js"
import { decryptBinaryFast } from "../../../src/ops/decrypt-binary.js"
import { decryptDocument, type DecryptRequest } from "../../../src/ops/decrypt-document.js"
import { encryptBinaryPieces } from "../../../src/ops/encrypt-binary.js"
import { encryptDocument, type EncryptRequest } from "../../../src/ops/encrypt-document.js"
import { failureOf, rejectionOf } from "../../helpers/error-of.js"
import { fakeAge, fakePgp, hexBackend, recordingOpeners, wiped } from "../../helpers/hex-keys.js"
import { binaryOpenRequest, binaryRequest, fileLike, fixedDeps } from "./stream-helpers.js"

// The streaming binary seal and open (src/ops/encrypt-binary.ts, decrypt-binary.ts) at their
// edges: thresholds, the layouts and requests handed over (null) to the tree path, the key calls
// (call options, decryption order, source), the errors word for word, the data key wiped.

const joined = (pieces: Iterable<Uint8Array> | null): string =>
  pieces === null ? "null" : Buffer.concat([...pieces]).toString("utf8")

const seal = async (plain: Uint8Array, extra: Partial<EncryptRequest> = {}): Promise<Buffer> =>
  Buffer.from(await encryptDocument(binaryRequest(plain, extra), fixedDeps()))

describe("encryptBinaryPieces at its edges", () => {
  it("should take an input of exactly the threshold size, in memory or read in pieces", async () => {
    const plain = Buffer.from("hello binary")
    const want = (await seal(plain)).toString("utf8")
    expect(joined(await encryptBinaryPieces(binaryRequest(plain), fixedDeps(), plain.length))).toBe(want)
    expect(
      joined(
        await encryptBinaryPieces(
          { ...binaryRequest(plain), input: fileLike(plain) },
          fixedDeps(),
          plain.length,
        ),
      ),
    ).toBe(want)
    expect(await encryptBinaryPieces(binaryRequest(plain), fixedDeps(), plain.length + 1)).toBeNull()
    expect(
      await encryptBinaryPieces(
        { ...binaryRequest(plain), input: fileLike(plain) },
        fixedDeps(),
        plain.length + 1,
      ),
    ).toBeNull()
    expect(
      await encryptBinaryPieces(binaryRequest(plain, { inputFormat: "json" }), fixedDeps(), 0),
    ).toBeNull()
    expect(
      await encryptBinaryPieces(binaryRequest(plain, { outputFormat: "json" }), fixedDeps(), 0),
    ).toBeNull()
  })

  it("should refuse (CONFIG) a request without master keys, with sops' hint", async () => {
    for (const keyGroups of [[], [[]], [[], []]]) {
      const e = await rejectionOf(
        encryptBinaryPieces(binaryRequest(Buffer.from("x"), { keyGroups }), fixedDeps(), 0),
      )
      expect([e.code, e.message, e.hint]).toEqual([
        "CONFIG",
        "blob.bin: no master keys to encrypt with",
        "pass --age <recipient>, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml",
      ])
    }
    // One group with a key and one without: not this check (the wrap step refuses it, as sops does).
    expect(
      await failureOf(
        encryptBinaryPieces(binaryRequest(Buffer.from("x"), { keyGroups: [[fakeAge], []] }), fixedDeps(), 0),
      ),
    ).toBe("KEY_WRAP: Could not generate data key: [empty key group provided]")
  })

  it("should wrap with the request's call options, and seal mac_only_encrypted as the tree path", async () => {
    const signal = new AbortController().signal
    const seen: (CallOptions | undefined)[] = []
    const backend: KeyBackend = {
      kind: "age",
      keyId: "age1fake",
      wrap: (dataKey, opts) => {
        seen.push(opts)
        return fakeAge.wrap(dataKey)
      },
    }
    const plain = Buffer.from("payload")
    const req = binaryRequest(plain, { keyGroups: [[backend]], call: { signal }, macOnlyEncrypted: true })
    const got = joined(await encryptBinaryPieces(req, fixedDeps(), 0))
    expect(seen).toEqual([{ signal }])
    expect(got).toBe(Buffer.from(await encryptDocument(req, fixedDeps())).toString("utf8"))
    expect(got).toContain('"mac_only_encrypted": true')
  })

  it("should hand over an empty file (the tree path seals it)", async () => {
    expect(await encryptBinaryPieces(binaryRequest(Buffer.alloc(0)), fixedDeps(), 0)).toBeNull()
  })

  it("should hand over a file whose metadata holds the placeholder text", async () => {
    const odd = hexBackend("age", "@@sealbridge-binary-value@@")
    expect(
      await encryptBinaryPieces(binaryRequest(Buffer.from("x"), { keyGroups: [[odd]] }), fixedDeps(), 0),
    ).toBeNull()
  })
})

describe("decryptBinaryFast at its edges", () => {
  it("should open a file of exactly the threshold size, and hand over a smaller one or another request", async () => {
    const file = await seal(Buffer.from("hello"))
    const r = recordingOpeners()
    const open = async (extra: Partial<DecryptRequest>, min: number): Promise<string> => {
      const out = await decryptBinaryFast(binaryOpenRequest(file, r.openers, extra), min)
      return out === null ? "null" : Buffer.from(out).toString("utf8")
    }
    expect(await open({}, file.length)).toBe("hello")
    expect(await open({}, file.length + 1)).toBe("null")
    expect(await open({ extract: [] }, 0)).toBe("hello")
    expect(await open({ extract: [{ kind: "key", key: "data" }] }, 0)).toBe("null")
    expect(await open({ inputFormat: "json" }, 0)).toBe("null")
    expect(await open({ outputFormat: "json" }, 0)).toBe("null")
  })

  it("should open the data key in the decryption order, with the call options, naming the source, and wipe it", async () => {
    const plain = Buffer.from("secret bytes")
    const file = await seal(plain, { keyGroups: [[fakeAge, fakePgp]] })
    const signal = new AbortController().signal
    const r = recordingOpeners()
    const out = await decryptBinaryFast(
      binaryOpenRequest(file, r.openers, { decryptionOrder: ["pgp"], call: { signal } }),
      0,
    )
    expect(Buffer.from(out ?? []).toString()).toBe("secret bytes")
    expect(r.calls).toEqual(["pgp"])
    expect(r.opts).toEqual([{ signal }])
    expect(wiped(r.keys[0])).toBe(true)
    const d = recordingOpeners()
    await decryptBinaryFast(binaryOpenRequest(file, d.openers), 0)
    expect(d.calls).toEqual(["age"])
    const none: KeyOpener = { kind: "age", unwrap: () => Promise.resolve(null) }
    expect(await failureOf(decryptBinaryFast(binaryOpenRequest(await seal(plain), [none]), 0))).toMatch(
      /^NO_KEY: blob\.bin: failed to get the data key required to decrypt the file\n/,
    )
  })

  it("should fail a tampered value word for word, and wipe the key", async () => {
    const file = (await seal(Buffer.alloc(300, 1))).toString("utf8")
    const at = file.indexOf("data:") + 10
    const bad = Buffer.from(file.slice(0, at) + (file[at] === "A" ? "B" : "A") + file.slice(at + 1))
    const r = recordingOpeners()
    const e = await rejectionOf(decryptBinaryFast(binaryOpenRequest(bad, r.openers), 0))
    expect([e.code, e.message, e.hint]).toEqual([
      "DECRYPT",
      "blob.bin: data: cannot be decrypted (tampered, or moved from another key)",
      "restore the file from version control; never edit ENC[...] values by hand",
    ])
    expect(e.cause).toBeInstanceOf(Error)
    expect(wiped(r.keys[0])).toBe(true)
    // The tree path says the same.
    expect(await failureOf(decryptDocument(binaryOpenRequest(bad, r.openers)))).toBe(`DECRYPT: ${e.message}`)
  })

  it("should open a mac_only_encrypted file, and fail its MAC as the tree path does", async () => {
    const plain = Buffer.from("mac only")
    const file = await seal(plain, { macOnlyEncrypted: true })
    const r = recordingOpeners()
    expect(
      Buffer.from((await decryptBinaryFast(binaryOpenRequest(file, r.openers), 0)) ?? []).toString(),
    ).toBe("mac only")
    const other = (await seal(Buffer.from("mac onlY"), { macOnlyEncrypted: true })).toString("utf8")
    // This file's value with the other file's MAC (same key and IVs: the counter randomness).
    const macOf = (t: string): string => /"mac": "([^"]*)"/.exec(t)?.[1] ?? "-"
    const mixed = Buffer.from(file.toString("utf8").replace(macOf(file.toString("utf8")), macOf(other)))
    expect(await failureOf(decryptBinaryFast(binaryOpenRequest(mixed, r.openers), 0))).toBe(
      "MAC_MISMATCH: blob.bin: MAC mismatch",
    )
    expect(await failureOf(decryptDocument(binaryOpenRequest(mixed, r.openers)))).toBe(
      "MAC_MISMATCH: blob.bin: MAC mismatch",
    )
    // --ignore-mac: opened.
    const ignored = await decryptBinaryFast(binaryOpenRequest(mixed, r.openers, { ignoreMac: true }), 0)
    expect(Buffer.from(ignored ?? []).toString()).toBe("mac only")
  })

  it("should write the plaintext over the input only when it is handed over", async () => {
    const plain = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7) & 0xff))
    const file = await seal(plain)
    const r = recordingOpeners()
    const kept = Uint8Array.from(file)
    const out = await decryptBinaryFast(binaryOpenRequest(kept, r.openers), 0)
    expect(Buffer.from(out ?? []).equals(plain)).toBe(true)
    expect(Buffer.from(kept).equals(file)).toBe(true)
    expect(out?.buffer).not.toBe(kept.buffer)
    const given = Uint8Array.from(file)
    const over = await decryptBinaryFast(binaryOpenRequest(given, r.openers, { consumeInput: true }), 0)
    expect(Buffer.from(over ?? []).equals(plain)).toBe(true)
    expect(over?.buffer).toBe(given.buffer)
    expect(over?.byteOffset).toBe(0)
    expect(Buffer.from(given.subarray(0, plain.length)).equals(plain)).toBe(true)
  })

  it("should open a value whose last 64 KiB piece ends with padding, and hand over padding inside it", async () => {
    // 49,151 bytes: 65,536 base64 characters, exactly one piece, ending in `=`.
    const plain = Buffer.from(Array.from({ length: 49151 }, (_, i) => (i * 13) & 0xff))
    const file = await seal(plain)
    const r = recordingOpeners()
    expect(
      Buffer.from((await decryptBinaryFast(binaryOpenRequest(file, r.openers), 0)) ?? []).equals(plain),
    ).toBe(true)
    // Two pieces, padding (or a character base64 has not) inside the first: the tree path reads it.
    const big = (await seal(Buffer.alloc(60000, 5))).toString("latin1")
    const start = big.indexOf("data:") + 5
    // Padding where the first piece ends (each piece alone is valid base64), padding and another
    // character inside it.
    for (const [at, c] of [
      [start + 65535, "="],
      [start + 100, "="],
      [start + 100, "!"],
    ] as const) {
      const bad = Buffer.from(big.slice(0, at) + c + big.slice(at + 1), "latin1")
      expect(await decryptBinaryFast(binaryOpenRequest(bad, r.openers), 0)).toBeNull()
    }
    expect(r.calls).toEqual(["age"])
  })

  it("should open a sealed file written as compact JSON (no white space around the value)", async () => {
    const plain = Buffer.from("compact binary")
    const file = (await seal(plain)).toString("utf8")
    const compact = JSON.stringify(JSON.parse(file) as unknown)
    // `{"data":"ENC[AES256_GCM,data:` is 29 characters: the value starts off a multiple of four.
    expect(compact.indexOf("data:") + 5).toBe(29)
    const r = recordingOpeners()
    const out = await decryptBinaryFast(binaryOpenRequest(Buffer.from(compact), r.openers), 0)
    expect(Buffer.from(out ?? Buffer.from("null")).toString("utf8")).toBe("compact binary")
    expect(r.calls).toEqual(["age"])
  })

  it("should hand over layouts that are not one sealed `data` string sealed by the rule", async () => {
    const file = (await seal(Buffer.from("hello"))).toString("utf8")
    const r = recordingOpeners()
    const data = /"data": "(ENC\[[^"]*)"/.exec(file)?.[1] ?? "-"
    const variants = [
      // base64 not in whole groups of four
      file.replace(/data:([A-Za-z0-9+/]+)/, "data:$1A"),
      // a tag that is not base64
      file.replace(/,tag:[^,]*,/, ",tag:@@@@,"),
      // another type
      file.replace(",type:str]", ",type:bytes]"),
      // a second entry
      file.replace(`"data": "${data}",`, `"data": "${data}",\n\t"more": "x",`),
      // not sops metadata
      file.replace('"version": "3.13.2"', '"version": 3'),
      // rules that leave `data` unsealed: by its key (the path the rule is asked about is `data`),
      // and by a comment it does not have (a binary value has none)
      file.replace('"version": "3.13.2"', '"version": "3.13.2",\n\t\t"encrypted_regex": "^nothing$"'),
      file.replace('"version": "3.13.2"', '"version": "3.13.2",\n\t\t"unencrypted_regex": "^data$"'),
      file.replace('"version": "3.13.2"', '"version": "3.13.2",\n\t\t"encrypted_comment_regex": "."'),
      // an IV of padding alone (no bytes: the envelope parser refuses it before the cipher could)
      file.replace(/,iv:[^,]*,/, ",iv:====,"),
      // no `,iv:` after the value
      file.replace(",iv:", ",IV:"),
      // not JSON after the value
      file.replace('"sops"', "sops"),
    ]
    for (const [i, v] of variants.entries()) {
      expect(v, `variant ${i}`).not.toBe(file)
      expect(
        await decryptBinaryFast(binaryOpenRequest(Buffer.from(v), r.openers), 0),
        `variant ${i}`,
      ).toBeNull()
    }
    expect(r.calls).toEqual([])
  })
})
