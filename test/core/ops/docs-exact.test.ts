import { describe, expect, it } from "vitest"
import { BridgeError, FormatError } from "../../../src/errors.js"
import { BytesSource, type ByteSource } from "../../../src/formats/byte-source.js"
import { formats } from "../../../src/formats/registry.js"
import type { KeyBackend } from "../../../src/keys/backend.js"
import {
  decryptDocument,
  dumping,
  fileStatus,
  type DecryptRequest,
} from "../../../src/ops/decrypt-document.js"
import { encryptDocument, type EncryptRequest } from "../../../src/ops/encrypt-document.js"
import { parseExtractPath } from "../../../src/ops/extract.js"
import { asSealedFormat, loadSealed } from "../../../src/ops/load-sealed.js"
import { openDocument, type OpenRequest } from "../../../src/ops/open-document.js"
import { sourceOf } from "../../../src/ops/pieces-request.js"
import { RuleKind } from "../../../src/seal/metadata-types.js"
import { fakeBackend, fakeOpener, fakeSealDeps, type FakeOpener } from "../../helpers/fake-keys.js"

// encryptDocument, decryptDocument, loadSealed, openDocument and sourceOf with exact outputs,
// codes, messages and hints (issue 8: mutation testing of src/ops, part `docs`). Fake master keys
// (test/helpers/fake-keys.ts): no key service, and the keys asked, with their options, are seen.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

interface Failure {
  readonly code: string
  readonly message: string
  readonly hint: string | undefined
}
async function failure(run: () => unknown): Promise<Failure & { cause: unknown }> {
  try {
    await run()
  } catch (e) {
    expect(e).toBeInstanceOf(BridgeError)
    const b = e as BridgeError
    return { code: b.code, message: b.message, hint: b.hint, cause: b.cause }
  }
  throw new Error("no error")
}
const withoutCause = async (run: () => unknown): Promise<Failure> => {
  const { code, message, hint } = await failure(run)
  return { code, message, hint }
}

/** A callback that throws `err`, for the wrappers that catch and re-throw. */
const throwing = (err: unknown) => (): never => {
  throw err
}

const PLAIN = "a: 1\nb: two\nc_unencrypted: open\nl:\n    - x\n    - k: v\n"

function sealReq(more: Partial<EncryptRequest> = {}): EncryptRequest {
  return {
    input: enc(PLAIN),
    source: "s.yaml",
    inputFormat: "yaml",
    outputFormat: "yaml",
    keyGroups: [[fakeBackend("pgp", "K")]],
    shamirThreshold: 0,
    rule: null,
    macOnlyEncrypted: false,
    ...more,
  }
}
const seal = (more: Partial<EncryptRequest> = {}): Promise<Uint8Array> =>
  encryptDocument(sealReq(more), fakeSealDeps)

function openReq(input: Uint8Array, more: Partial<DecryptRequest> = {}): DecryptRequest {
  return {
    input,
    source: "s.yaml",
    inputFormat: "yaml",
    outputFormat: "yaml",
    openers: [fakeOpener("pgp", ["K"])],
    ignoreMac: false,
    ...more,
  }
}
const open = async (input: Uint8Array, more: Partial<DecryptRequest> = {}): Promise<string> =>
  dec(await decryptDocument(openReq(input, more)))

/** The sealed value of `key` (a top-level YAML key) changed, so the MAC no longer matches. */
const swapValue = (sealed: Uint8Array, key: string, value: string): Uint8Array =>
  enc(dec(sealed).replace(new RegExp(`^${key}: .*$`, "m"), `${key}: ${value}`))

const allZero = (o: FakeOpener): boolean =>
  o.handed.length > 0 && o.handed.every((k) => k.every((b) => b === 0))

describe("encryptDocument, exactly", () => {
  it("should refuse a blank file, naming it, and seal an empty binary file", async () => {
    for (const input of ["", " \n\t\n"])
      expect(await withoutCause(() => seal({ input: enc(input) }))).toEqual({
        code: "EMPTY_FILE",
        message: "s.yaml: file cannot be completely empty, it must contain at least one document",
        hint: undefined,
      })
    const bin = await seal({ input: new Uint8Array(0), inputFormat: "binary", outputFormat: "binary" })
    expect(await open(bin, { inputFormat: "binary", outputFormat: "binary" })).toBe("")
    const blank = await seal({ input: enc(" \n"), inputFormat: "binary", outputFormat: "binary" })
    expect(await open(blank, { inputFormat: "binary", outputFormat: "binary" })).toBe(" \n")
  })

  it("should refuse a file that is already sealed, with the hint", async () => {
    const sealed = await seal()
    expect(await withoutCause(() => seal({ input: sealed }))).toEqual({
      code: "ALREADY_SEALED",
      message: "s.yaml: file already encrypted (it has a top-level sops entry)",
      hint: "to change a sealed file, decrypt it first or use edit/set; if the key is plain data, rename it",
    })
  })

  it("should refuse no master key at all, and seal when any group has one", async () => {
    const none = {
      code: "CONFIG",
      message: "s.yaml: no master keys to encrypt with",
      hint: "pass --age <recipient>, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml",
    }
    for (const keyGroups of [[], [[]], [[], []]] as KeyBackend[][][])
      expect(await withoutCause(() => seal({ keyGroups }))).toEqual(none)
    // One group empty, another not: past this check, refused by the wrap as sops refuses it.
    expect(await withoutCause(() => seal({ keyGroups: [[], [fakeBackend("pgp", "K")]] }))).toMatchObject({
      message: "Could not generate data key: [empty key group provided]",
    })
    const k = fakeBackend("pgp", "K")
    expect(await open(await seal({ keyGroups: [[k]] }))).toBe(PLAIN)
    expect(k.wraps).toHaveLength(1)
  })

  it("should check blankness before the format and the keys (an empty file with no keys is EMPTY_FILE)", async () => {
    expect((await failure(() => seal({ input: enc(""), keyGroups: [] }))).code).toBe("EMPTY_FILE")
    expect((await failure(() => seal({ input: enc("a: [\n") }))).code).toBe("FORMAT")
  })

  it("should store the rule, the MAC setting and the Shamir threshold, and seal what the rule selects", async () => {
    const sealed = dec(
      await seal({
        rule: { kind: RuleKind.EncryptedRegex, value: "^b$" },
        macOnlyEncrypted: true,
        keyGroups: [[fakeBackend("pgp", "K")], [fakeBackend("pgp", "L")]],
        shamirThreshold: 2,
      }),
    )
    expect(sealed).toMatch(
      /^a: 1\nb: ENC\[AES256_GCM,data:[^\n]*,type:str\]\nc_unencrypted: open\nl:\n {4}- x\n {4}- k: v\n/,
    )
    expect(sealed).toContain("    encrypted_regex: ^b$\n")
    expect(sealed).toContain("    mac_only_encrypted: true\n")
    expect(sealed).toContain("    shamir_threshold: 2\n")
    expect(sealed).not.toContain("unencrypted_suffix")
    // The default rule when none is given: every value but the _unencrypted ones.
    const plainRule = dec(await seal())
    expect(plainRule).toContain("    unencrypted_suffix: _unencrypted\n")
    expect(plainRule).toContain("\nc_unencrypted: open\n")
    expect(plainRule).toMatch(/^a: ENC\[[^\n]*,type:int\]\n/)
    expect(plainRule).not.toContain("mac_only_encrypted")
    expect(plainRule).not.toContain("shamir_threshold")
  })

  it("should seal a binary file with no rule, whatever the request's rule, and store none", async () => {
    const sealed = await seal({
      input: enc("b: raw\n"),
      inputFormat: "binary",
      outputFormat: "binary",
      rule: { kind: RuleKind.UnencryptedRegex, value: "." },
    })
    const text = dec(sealed)
    expect(text).toMatch(/^\{\n\t"data": "ENC\[AES256_GCM,data:[^"]+,type:str\]",\n\t"sops": \{/)
    expect(text).not.toContain("regex")
    expect(text).not.toContain("suffix")
    expect(await open(sealed, { inputFormat: "binary", outputFormat: "binary" })).toBe("b: raw\n")
  })

  it("should hand the call options to each key, and write the output format with the emit options", async () => {
    const k = fakeBackend("pgp", "K")
    const call = { timeoutMs: 1234 }
    const sealed = await seal({ keyGroups: [[k]], call, outputFormat: "json", emit: { indent: 2 } })
    expect(k.wraps).toHaveLength(1)
    expect(k.wraps[0]?.timeoutMs).toBe(1234)
    const text = dec(sealed)
    expect(text).toMatch(/^\{\n {2}"a": "ENC\[AES256_GCM,data:[^"]*,type:int\]",\n {2}"b": "ENC\[/)
    expect(await open(sealed, { inputFormat: "json" })).toBe(PLAIN)
    const noCall = fakeBackend("pgp", "K")
    await seal({ keyGroups: [[noCall]] })
    expect(noCall.wraps).toHaveLength(1)
    expect(noCall.wraps[0]?.timeoutMs).toBeUndefined()
  })
})

describe("decryptDocument, exactly", () => {
  it("should open every value, check the MAC, wipe the data key and write the output format", async () => {
    const sealed = await seal()
    const opener = fakeOpener("pgp", ["K"])
    expect(await open(sealed, { openers: [opener] })).toBe(PLAIN)
    expect(allZero(opener)).toBe(true)
    expect(await open(sealed, { outputFormat: "json", emit: { indent: 1 } })).toBe(
      '{\n "a": 1,\n "b": "two",\n "c_unencrypted": "open",\n "l": [\n  "x",\n  {\n   "k": "v"\n  }\n ]\n}\n',
    )
  })

  it("should refuse a tampered file unless the MAC is ignored", async () => {
    const bad = swapValue(await seal(), "c_unencrypted", "shut")
    expect((await failure(() => open(bad))).code).toBe("MAC_MISMATCH")
    expect(await open(bad, { ignoreMac: true })).toBe(PLAIN.replace("open", "shut"))
  })

  it("should refuse a plain file with the hint to check the format", async () => {
    expect(await withoutCause(() => open(enc(PLAIN)))).toEqual({
      code: "NOT_SEALED",
      message: "s.yaml: sops metadata not found",
      hint: "the file is not sealed (or not in the format its extension says: try --input-type)",
    })
  })

  it("should name the source in the value errors and hand the call options and key order to the keys", async () => {
    const both = await seal({ keyGroups: [[fakeBackend("age", "age1x"), fakeBackend("pgp", "K")]] })
    const age = fakeOpener("age", ["age1x"])
    const pgp = fakeOpener("pgp", ["K"])
    expect(await open(both, { openers: [age, pgp] })).toBe(PLAIN)
    expect([age.calls.length, pgp.calls.length]).toEqual([1, 0])
    const age2 = fakeOpener("age", ["age1x"])
    const pgp2 = fakeOpener("pgp", ["K"])
    await open(both, { openers: [age2, pgp2], decryptionOrder: ["pgp"], call: { timeoutMs: 777 } })
    expect([age2.calls.length, pgp2.calls.length]).toEqual([0, 1])
    expect(pgp2.calls[0]?.opts?.timeoutMs).toBe(777)
    const broken = enc(dec(both).replace(/^b: ENC\[AES256_GCM,data:/m, "b: ENC[AES256_GCM,data:x"))
    expect(await withoutCause(() => open(broken, { source: "dir/f.yaml" }))).toMatchObject({
      code: "DECRYPT",
      message: expect.stringMatching(/^dir\/f\.yaml: /) as unknown,
    })
  })

  it("should print an extracted value as sops does, in the output format", async () => {
    const sealed = await seal()
    const ex = (p: string, more: Partial<DecryptRequest> = {}) =>
      open(sealed, { extract: parseExtractPath(p), ...more })
    expect(await ex(`["b"]`)).toBe("two")
    expect(await ex(`["a"]`)).toBe("1\n")
    expect(await ex(`["l"]`)).toBe("- x\n- k: v\n")
    expect(await ex(`["l"][1]`)).toBe("k: v\n")
    expect(await ex(`["l"][1]`, { outputFormat: "json" })).toBe('{\n\t"k": "v"\n}\n')
    expect(await ex(`["l"]`, { outputFormat: "json", emit: { indent: 2 } })).toBe(
      '[\n  "x",\n  {\n    "k": "v"\n  }\n]',
    )
    expect(await withoutCause(() => ex(`["z"]`))).toEqual({
      code: "EXTRACT_MISSING",
      message: "error truncating tree: component ['z'] not found",
      hint: "check the key names with a plain decrypt first",
    })
  })

  it("should print every document for an empty path, as for no path", async () => {
    const two = await seal({ input: enc("a: 1\n---\nb: 2\n") })
    expect(await open(two, { extract: [] })).toBe("a: 1\n---\nb: 2\n")
    expect(await open(two)).toBe("a: 1\n---\nb: 2\n")
    expect(await open(two, { extract: parseExtractPath(`["a"]`) })).toBe("1\n")
    // With --ignore-mac an empty path still opens every document, not only the first.
    expect(await open(two, { extract: [], ignoreMac: true })).toBe("a: 1\n---\nb: 2\n")
  })

  it("should open only the extracted part with --ignore-mac, and everything without", async () => {
    const sealed = await seal()
    const damaged = enc(dec(sealed).replace(/^b: ENC\[AES256_GCM,data:/m, "b: ENC[AES256_GCM,data:x"))
    const ex = (p: string, ignoreMac: boolean) => open(damaged, { extract: parseExtractPath(p), ignoreMac })
    expect(await ex(`["l"]`, true)).toBe("- x\n- k: v\n")
    expect((await failure(() => ex(`["l"]`, false))).code).toBe("DECRYPT")
    expect((await failure(() => ex(`["b"]`, true))).code).toBe("DECRYPT")
    // A path that is not there: every value is opened, so the damaged one is reported first.
    expect((await failure(() => ex(`["z"]`, true))).code).toBe("DECRYPT")
    expect(
      (await failure(() => open(sealed, { extract: parseExtractPath(`["z"]`), ignoreMac: true }))).code,
    ).toBe("EXTRACT_MISSING")
    // --ignore-mac without a path opens everything.
    expect(await open(sealed, { ignoreMac: true })).toBe(PLAIN)
    expect(await open(sealed, { ignoreMac: true, extract: [] })).toBe(PLAIN)
  })

  it("should return the binary fast path's plaintext for a large binary file, also when it consumed the input", async () => {
    const plain = new Uint8Array(800_000).map((_, i) => (i * 7) & 0xff)
    const sealed = await seal({ input: plain, inputFormat: "binary", outputFormat: "binary" })
    expect(sealed.length).toBeGreaterThanOrEqual(1 << 20)
    const req = { inputFormat: "binary", outputFormat: "binary" } as const
    expect(Buffer.from(await decryptDocument(openReq(sealed.slice(), req))).equals(plain)).toBe(true)
    // The plaintext is written over the input: the tree path could not read it again.
    const consumed = sealed.slice()
    const out = await decryptDocument(openReq(consumed, { ...req, consumeInput: true }))
    expect(Buffer.from(out).equals(plain)).toBe(true)
    expect(Buffer.from(consumed).equals(sealed)).toBe(false)
  })

  it("should report plaintext the output format cannot hold as sops' dumping error", async () => {
    const sealed = await seal()
    const got = await failure(() => open(sealed, { outputFormat: "dotenv" }))
    expect(got.code).toBe("EMIT")
    expect(got.message).toMatch(/^error dumping file: /)
    expect(got.hint).toBe("choose an output type that can hold this data (--output-type yaml or json)")
    expect(got.cause).toBeInstanceOf(BridgeError)
    expect(got.message).toBe(`error dumping file: ${(got.cause as Error).message}`)
  })
})

describe("dumping", () => {
  it("should return the bytes, wrap a format error and pass any other error on as it is", async () => {
    const out = enc("x")
    expect(dumping(() => out)).toBe(out)
    const fmt = new BridgeError("FORMAT", "cannot write a list here")
    expect(await failure(() => dumping(throwing(fmt)))).toEqual({
      code: "EMIT",
      message: "error dumping file: cannot write a list here",
      hint: "choose an output type that can hold this data (--output-type yaml or json)",
      cause: fmt,
    })
    const other = new BridgeError("DECRYPT", "no")
    expect(() => dumping(throwing(other))).toThrow(other)
    const plain = new Error("boom")
    expect(() => dumping(throwing(plain))).toThrow(plain)
  })
})

describe("fileStatus", () => {
  it("should call a file sealed only when its metadata has a version and a MAC", async () => {
    const sealed = await seal()
    expect(fileStatus(sealed, "s.yaml", "yaml")).toEqual({ encrypted: true })
    expect(fileStatus(enc(PLAIN), "s.yaml", "yaml")).toEqual({ encrypted: false })
    const noMac = enc(dec(sealed).replace(/^ {4}mac: .*$/m, '    mac: ""'))
    expect(fileStatus(noMac, "s.yaml", "yaml")).toEqual({ encrypted: false })
    // Metadata naming no key: not sealed (NO_KEY is swallowed), as sops' status says.
    const noKey = enc(dec(sealed).replace(/^ {4}pgp:\n(?: {8}.*\n)+/m, ""))
    expect(fileStatus(noKey, "s.yaml", "yaml")).toEqual({ encrypted: false })
  })

  it("should report broken metadata and broken syntax as a damaged sealed file", async () => {
    const sealed = await seal()
    const badVersion = enc(dec(sealed).replace(/^ {4}version: .*$/m, "    version: x"))
    expect(await withoutCause(() => fileStatus(badVersion, "s.yaml", "yaml"))).toEqual({
      code: "SEALED_FORMAT",
      message: "s.yaml: sops metadata: version: missing or not a version number",
      hint: "the file is not a readable sealed file: restore it from version control",
    })
    expect((await failure(() => fileStatus(enc("a: [\n"), "s.yaml", "yaml"))).code).toBe("SEALED_FORMAT")
  })
})

describe("loadSealed and asSealedFormat", () => {
  it("should load the branches and metadata of a sealed file", async () => {
    const { sealed, metadata } = loadSealed(formats.yaml, await seal(), "s.yaml", "h")
    expect(sealed.branches).toHaveLength(1)
    expect(metadata).toMatchObject({
      version: "3.13.2",
      lastModified: "2026-01-02T03:04:05Z",
      shamirThreshold: 0,
      rule: { kind: "unencrypted_suffix", value: "_unencrypted" },
    })
    expect(metadata.keyGroups).toEqual([[expect.objectContaining({ kind: "pgp", fp: "K" })]])
  })

  it("should refuse a plain file with the caller's hint, and broken syntax or metadata as SEALED_FORMAT", async () => {
    expect(await withoutCause(() => loadSealed(formats.yaml, enc(PLAIN), "p.yaml", "the hint"))).toEqual({
      code: "NOT_SEALED",
      message: "p.yaml: sops metadata not found",
      hint: "the hint",
    })
    const syntax = await failure(() => loadSealed(formats.json, enc("{"), "p.json", "h"))
    expect(syntax.code).toBe("SEALED_FORMAT")
    expect(syntax.cause).toBeInstanceOf(FormatError)
    expect(syntax.message).toBe((syntax.cause as Error).message)
    const sealed = dec(await seal())
    const badDate = enc(sealed.replace(/^ {4}lastmodified: .*\n/m, ""))
    expect(await withoutCause(() => loadSealed(formats.yaml, badDate, "p.yaml", "h"))).toEqual({
      code: "SEALED_FORMAT",
      message: "p.yaml: sops metadata: lastmodified: missing",
      hint: "the file is not a readable sealed file: restore it from version control",
    })
  })

  it("should keep a format error's own hint and pass every other error on unchanged", async () => {
    expect(asSealedFormat(() => 42)).toBe(42)
    const hinted = new BridgeError("FORMAT", "bad", { hint: "own hint" })
    expect(await failure(() => asSealedFormat(throwing(hinted)))).toEqual({
      code: "SEALED_FORMAT",
      message: "bad",
      hint: "own hint",
      cause: hinted,
    })
    const noKey = new BridgeError("NO_KEY", "none")
    expect(() => asSealedFormat(throwing(noKey))).toThrow(noKey)
    const plain = new TypeError("t")
    expect(() => asSealedFormat(throwing(plain))).toThrow(plain)
  })
})

describe("openDocument", () => {
  const req = (input: Uint8Array, more: Partial<OpenRequest> = {}): OpenRequest => ({
    input,
    source: "o.yaml",
    format: "yaml",
    openers: [fakeOpener("pgp", ["K"])],
    ...more,
  })

  it("should give the plain branches, with the MAC checked and the data key wiped", async () => {
    const sealed = await seal()
    const opener = fakeOpener("pgp", ["K"])
    const branches = await openDocument(req(sealed, { openers: [opener] }))
    expect(branches).toEqual(formats.yaml.parse(enc(PLAIN), "x"))
    expect(allZero(opener)).toBe(true)
    const bad = swapValue(sealed, "c_unencrypted", "shut")
    expect((await failure(() => openDocument(req(bad)))).code).toBe("MAC_MISMATCH")
    expect((await failure(() => openDocument(req(bad, { ignoreMac: false })))).code).toBe("MAC_MISMATCH")
    expect(await openDocument(req(bad, { ignoreMac: true }))).toEqual(
      formats.yaml.parse(enc(PLAIN.replace("open", "shut")), "x"),
    )
  })

  it("should read the format given and try the keys in the decryption order", async () => {
    const both = await seal({
      outputFormat: "json",
      keyGroups: [[fakeBackend("age", "age1x"), fakeBackend("pgp", "K")]],
    })
    const age = fakeOpener("age", ["age1x"])
    const pgp = fakeOpener("pgp", ["K"])
    const branches = await openDocument(
      req(both, { format: "json", openers: [age, pgp], decryptionOrder: ["pgp"] }),
    )
    expect([age.calls.length, pgp.calls.length]).toEqual([0, 1])
    expect(dec(formats.yaml.emit(branches))).toBe(PLAIN)
    const age2 = fakeOpener("age", ["age1x"])
    const pgp2 = fakeOpener("pgp", ["K"])
    await openDocument(req(both, { format: "json", openers: [age2, pgp2] }))
    expect([age2.calls.length, pgp2.calls.length]).toEqual([1, 0])
  })

  it("should refuse a plain file with the hint, and name the source in value errors", async () => {
    expect(await withoutCause(() => openDocument(req(enc(PLAIN))))).toEqual({
      code: "NOT_SEALED",
      message: "o.yaml: sops metadata not found",
      hint: "the file is not sealed (or not in the format its extension says: try --input-type)",
    })
    const sealed = await seal()
    const broken = enc(dec(sealed).replace(/^b: ENC\[AES256_GCM,data:/m, "b: ENC[AES256_GCM,data:x"))
    const got = await failure(() => openDocument(req(broken)))
    expect(got.code).toBe("DECRYPT")
    expect(got.message).toMatch(/^o\.yaml: /)
  })
})

describe("sourceOf", () => {
  it("should read bytes in place and hand a source on as it is", () => {
    const bytes = enc("abc")
    const s = sourceOf(bytes)
    expect(s).toBeInstanceOf(BytesSource)
    expect((s as BytesSource).bytes.buffer).toBe(bytes.buffer)
    expect([...(s as BytesSource).bytes]).toEqual([97, 98, 99])
    expect(s.size).toBe(3)
    const other: ByteSource = { size: 1, read: () => 0 }
    expect(sourceOf(other)).toBe(other)
  })
})
