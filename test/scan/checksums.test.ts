import { describe, expect, it } from "vitest"
import {
  base36,
  base62,
  bech32Encode,
  bech32Valid,
  crc24,
  crc32,
  decodeBase64,
} from "../../src/scan/checksums.js"
import { shannonEntropy } from "../../src/scan/entropy.js"

describe("checksums", () => {
  it("should compute the standard CRC-32 and CRC-24 check values", () => {
    expect(crc32("123456789")).toBe(0xcbf43926)
    expect(crc32("")).toBe(0)
    expect(crc24(new TextEncoder().encode("123456789"))).toBe(0x21cf02) // CRC-24/OPENPGP check value
  })

  it("should encode base62 and base36 left-padded", () => {
    expect(base62(0, 6)).toBe("000000")
    expect(base62(61, 2)).toBe("0z")
    expect(base62(62, 1)).toBe("10")
    expect(base62(0xffffffff, 6)).toBe("4gfFC3")
    expect(base36(35, 2)).toBe("0z")
  })

  it("should accept BIP-173 test vectors and reject a flipped character", () => {
    expect(bech32Valid("A12UEL5L")).toBe(true)
    expect(bech32Valid("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")).toBe(true)
    expect(bech32Valid("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx")).toBe(false)
    expect(bech32Valid(bech32Encode("age-secret-key-", [1, 2, 3, 4, 5]))).toBe(true)
    expect(bech32Valid("noseparator")).toBe(false)
  })

  it("should decode standard and URL-safe base64 and refuse other text", () => {
    expect(Buffer.from(decodeBase64("aGVsbG8=") ?? []).toString()).toBe("hello")
    expect(Buffer.from(decodeBase64("-_8") ?? []).toString("hex")).toBe("fbff")
    expect(decodeBase64("not base64!")).toBeNull()
  })

  it("should measure Shannon entropy in bits per character", () => {
    expect(shannonEntropy("")).toBe(0)
    expect(shannonEntropy("aaaa")).toBe(0)
    expect(shannonEntropy("abcd")).toBe(2)
  })
})
