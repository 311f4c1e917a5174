import nodeCrypto from "node:crypto"
import { syncBuiltinESMExports } from "node:module"
import { describe, expect, it } from "vitest"
import { openArmoredX25519 } from "../../../src/keys/age-x25519.js"
import {
  ageFile,
  armor,
  b64,
  bodyLines,
  CHUNK,
  fixture,
  IDENTITY,
  pattern,
  payload,
  x25519Parts,
  x25519Stanza,
} from "../../helpers/age-craft.js"
import { messageOf } from "../../helpers/error-of.js"

// The native age opener against files age 1.1.1 sealed (test/fixtures/age: known answers, STREAM
// chunk boundaries) and against files built piece by piece where one rule is broken (issue 8:
// mutation testing of src/keys/age-x25519.ts). Null means "not for this path" (age-encryption
// then decides); a stanza that opened but a header or payload that does not verify throws.

const FILE_KEY = Buffer.from(pattern(16))
const open = (file: Uint8Array, ids = [IDENTITY]) => openArmoredX25519(armor(file), ids)

describe("files sealed by age 1.1.1", () => {
  it.each([0, 32, CHUNK, CHUNK + 1])("should open the %i-byte file", (n) => {
    expect(openArmoredX25519(fixture(`sealed-${n}.age`), [IDENTITY])).toEqual(pattern(n))
  })

  it("should open one with CRLF line ends (age 1.1.1 does too)", () => {
    const crlf = fixture("sealed-32.age").replaceAll("\n", "\r\n")
    expect(openArmoredX25519(crlf, [IDENTITY])).toEqual(pattern(32))
  })
})

describe("stanzas this path does not open: null", () => {
  const { share, body } = x25519Parts(FILE_KEY)
  const withStanza = (line: string, lines = bodyLines(body)) =>
    open(ageFile(FILE_KEY, [line, ...lines], payload(FILE_KEY, [pattern(5)])))

  it("should open the well-formed stanza (the control)", () => {
    expect(withStanza(`-> X25519 ${b64(share)}`)).toEqual(pattern(5))
  })

  it.each([
    ["another type", `-> Y25519 ${b64(share)}`],
    ["a second argument", `-> X25519 ${b64(share)} x`],
    ["a share that is no base64", `-> X25519 ${b64(share).slice(0, -1)}*`],
    ["a 31-byte share", `-> X25519 ${b64(share.subarray(1))}`],
    ["a 33-byte share", `-> X25519 ${b64(Buffer.concat([share, Buffer.of(1)]))}`],
  ])("should return null for %s", (_, line) => {
    expect(withStanza(line)).toBeNull()
  })

  it("should return null for a file key that is not 16 bytes (a 33-byte body)", () => {
    const odd = x25519Parts(pattern(17))
    expect(withStanza(`-> X25519 ${b64(odd.share)}`, bodyLines(odd.body))).toBeNull()
  })

  it("should return null for no X25519 identity, or armored bytes that are no age file", () => {
    const file = ageFile(FILE_KEY, x25519Stanza(FILE_KEY), payload(FILE_KEY, [pattern(5)]))
    expect(open(file, [])).toBeNull()
    expect(open(file, ["AGE-PLUGIN-X-1QQQQ"])).toBeNull()
    expect(open(Buffer.from("not an age file\n"))).toBeNull()
  })

  it("should refuse a low-order share (all-zero shared secret) as node:crypto's X25519 does", () => {
    const file = ageFile(
      FILE_KEY,
      [`-> X25519 ${b64(Buffer.alloc(32))}`, b64(pattern(32))],
      payload(FILE_KEY, []),
    )
    expect(messageOf(() => open(file))).toMatch(/failed during derivation/)
  })
})

describe("header MAC and STREAM payload", () => {
  const stanza = x25519Stanza(FILE_KEY)
  const full = pattern(CHUNK)

  it("should throw when the header MAC does not match", () => {
    const file = ageFile(FILE_KEY, stanza, payload(FILE_KEY, [pattern(5)]))
    const at = file.indexOf("\n---") + 6
    file[at] = file[at] === 0x41 ? 0x42 : 0x41
    expect(messageOf(() => open(file))).toBe("age header MAC mismatch")
  })

  it("should open an empty payload (one empty chunk) and chunks on both sides of 64 KiB", () => {
    expect(open(ageFile(FILE_KEY, stanza, payload(FILE_KEY, [new Uint8Array(0)])))).toEqual(new Uint8Array(0))
    expect(open(ageFile(FILE_KEY, stanza, payload(FILE_KEY, [full])))).toEqual(full)
    const two = open(ageFile(FILE_KEY, stanza, payload(FILE_KEY, [full, pattern(1)])))
    expect(two).toEqual(new Uint8Array([...full, 0]))
  })

  it.each([0, 1, 31])("should throw 'too short' for a %i-byte payload", (n) => {
    expect(messageOf(() => open(ageFile(FILE_KEY, stanza, pattern(n))))).toBe("age payload too short")
  })

  it("should throw for an empty last chunk after a full one", () => {
    const file = ageFile(FILE_KEY, stanza, payload(FILE_KEY, [full, new Uint8Array(0)]))
    expect(messageOf(() => open(file))).toBe("age payload has an empty last chunk")
  })

  it("should throw for a last chunk shorter than its tag, or a full chunk flagged last and more after it", () => {
    const cut = payload(FILE_KEY, [full, pattern(9)]).subarray(0, 16 + CHUNK + 16 + 5)
    expect(messageOf(() => open(ageFile(FILE_KEY, stanza, cut)))).toBe(
      "age payload chunk failed to authenticate",
    )
    const early = Buffer.concat([payload(FILE_KEY, [full]), Buffer.alloc(20)])
    expect(messageOf(() => open(ageFile(FILE_KEY, stanza, early)))).toBe(
      "age payload chunk failed to authenticate",
    )
  })
})

describe("file key hygiene", () => {
  it("should zero the unwrapped file key once the file is open", () => {
    // The file key reaches node:crypto only as HKDF input; catch that buffer and look at it after.
    const file = ageFile(FILE_KEY, x25519Stanza(FILE_KEY), payload(FILE_KEY, [pattern(3)]))
    const seen: Buffer[] = []
    const orig = nodeCrypto.hkdfSync
    nodeCrypto.hkdfSync = (digest, ikm, salt, info, len) => {
      if (info === "header" && Buffer.isBuffer(ikm)) seen.push(ikm)
      return orig(digest, ikm, salt, info, len)
    }
    syncBuiltinESMExports()
    try {
      expect(open(file)).toEqual(pattern(3))
    } finally {
      nodeCrypto.hkdfSync = orig
      syncBuiltinESMExports()
    }
    expect(seen.map((b) => b.toString("hex"))).toEqual(["00".repeat(16)])
  })
})
