import { describe, expect, it } from "vitest"
import { pooledRandomBytes } from "../../cli/io.js"

// Every IV comes from this pool: if it stopped advancing (or handed out its zeroed bytes), GCM
// nonces would repeat across values.
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")

describe("pooledRandomBytes", () => {
  it("hands out distinct, non-zero chunks of the asked length across several pool refills", () => {
    const seen = new Set<string>()
    // 64 KiB pool / 32 bytes = 2048 draws per pool: 10,000 draws cross four refills.
    for (let i = 0; i < 10_000; i++) {
      const b = pooledRandomBytes(32)
      expect(b.length).toBe(32)
      expect(b.some((x) => x !== 0)).toBe(true)
      seen.add(hex(b))
    }
    expect(seen.size).toBe(10_000)
  })

  it("odd sizes that straddle the end of a pool and sizes past 4 KiB are fresh too", () => {
    const seen = new Set<string>()
    for (let i = 0; i < 3_000; i++) seen.add(hex(pooledRandomBytes(12 + (i % 29))))
    for (let i = 0; i < 20; i++) {
      const big = pooledRandomBytes(5000)
      expect(big.length).toBe(5000)
      seen.add(hex(big))
    }
    expect(seen.size).toBe(3_020)
  })

  it("gives copies: wiping one does not change the next", () => {
    const a = pooledRandomBytes(16)
    const b = pooledRandomBytes(16)
    const bCopy = hex(b)
    a.fill(0)
    expect(hex(b)).toBe(bCopy)
    expect(hex(pooledRandomBytes(16))).not.toBe(hex(a))
  })
})
