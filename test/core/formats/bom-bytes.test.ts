import { describe, expect, it } from "vitest"
import { startsWithBom } from "../../../src/formats/bom.js"

// Only all three bytes EF BB BF make a byte-order mark: a file that starts with one or two of
// them (or the three in another order) is read as it is, by sops as by sealbridge.
describe("startsWithBom", () => {
  const bytes = (...b: number[]) => Uint8Array.from(b)

  it("is true for EF BB BF, alone or before text", () => {
    expect(startsWithBom(bytes(0xef, 0xbb, 0xbf))).toBe(true)
    expect(startsWithBom(bytes(0xef, 0xbb, 0xbf, 0x61, 0x3a))).toBe(true)
  })

  it.each([
    ["empty", []],
    ["EF only", [0xef]],
    ["EF BB", [0xef, 0xbb]],
    ["EF BB then a letter", [0xef, 0xbb, 0x61]],
    ["EF then BF", [0xef, 0x61, 0xbf]],
    ["BB BF without EF", [0x61, 0xbb, 0xbf]],
    ["the bytes reversed", [0xbf, 0xbb, 0xef]],
    ["a UTF-16 mark", [0xff, 0xfe, 0x61]],
  ])("is false for %s", (_name, b) => {
    expect(startsWithBom(bytes(...b))).toBe(false)
  })
})
