import { describe, expect, it } from "vitest"
import { formatGoFloat, parseGoBool, parseGoInt } from "../../../src/util/go-text.js"
import { gfInv, gfMul, split, combine } from "../../../src/keys/shamir.js"
import { reformatRfc3339 } from "../../../src/util/rfc3339.js"

describe("Go text forms sops seals and hashes", () => {
  it("FormatFloat 'f' -1 never uses an exponent", () => {
    expect(formatGoFloat(1e21)).toBe("1000000000000000000000")
    expect(formatGoFloat(1.5e-7)).toBe("0.00000015")
    expect(formatGoFloat(1)).toBe("1")
    expect(formatGoFloat(-0)).toBe("-0")
    expect(formatGoFloat(Infinity)).toBe("+Inf")
  })
  it("ParseBool and Atoi accept what Go accepts", () => {
    expect(parseGoBool("T")).toBe(true)
    expect(parseGoBool("yes")).toBeNull()
    expect(parseGoInt("+5")).toBe(5n)
    expect(parseGoInt("9223372036854775808")).toBeNull()
  })
  it("lastmodified is re-formatted before it is used as the MAC's AAD", () => {
    expect(reformatRfc3339("2024-01-01T00:00:00.123Z")).toBe("2024-01-01T00:00:00Z")
    expect(reformatRfc3339("2024-01-01T00:00:00+02:00")).toBe("2024-01-01T00:00:00+02:00")
    expect(reformatRfc3339("not a time")).toBeNull()
  })
})

describe("Shamir over GF(2^8)", () => {
  it("uses the AES field", () => {
    expect(gfMul(0x57, 0x83)).toBe(0xc1)
    expect(gfInv(0x53)).toBe(0xca)
  })
  it("recovers with any 2 of 3 shares and not with 1", () => {
    const secret = crypto.getRandomValues(new Uint8Array(32))
    const shares = split(secret, 3, 2, (n) => crypto.getRandomValues(new Uint8Array(n)))
    expect(shares.every((s) => s.length === 33)).toBe(true)
    for (const pair of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      const got = combine([shares[pair[0]] as Uint8Array, shares[pair[1]] as Uint8Array])
      expect(Buffer.from(got).equals(Buffer.from(secret))).toBe(true)
    }
    expect(() => combine([shares[0] as Uint8Array])).toThrow()
  })
})
