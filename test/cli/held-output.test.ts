import { describe, expect, it } from "vitest"
import { HeldOutput } from "../../cli/held-output.js"

// The plaintext held until the MAC is checked: kept in order up to the bound, and every byte
// zeroed once the bound is passed or the holder wipes it.
describe("HeldOutput", () => {
  it("should keep pieces in order while their total is within the bound", () => {
    const held = new HeldOutput(6)
    held.add(Buffer.from("abc"))
    held.add(Buffer.from("def"))
    expect(held.overflowed).toBe(false)
    expect(Buffer.concat(held.pieces).toString()).toBe("abcdef")
  })

  it("should zero and drop what it held, and every later piece, once the bound is passed", () => {
    const held = new HeldOutput(5)
    const a = Buffer.from("abc")
    const b = Buffer.from("def")
    const c = Buffer.from("ghi")
    held.add(a)
    held.add(b)
    held.add(c)
    expect(held.overflowed).toBe(true)
    expect(held.pieces).toEqual([])
    for (const p of [a, b, c]) expect([...p]).toEqual([0, 0, 0])
  })

  it("should zero every held piece on wipe", () => {
    const held = new HeldOutput(100)
    const a = Buffer.from("secret")
    held.add(a)
    held.wipe()
    expect(held.pieces).toEqual([])
    expect(a.toString()).toBe("\0".repeat(6))
    expect(held.overflowed).toBe(false)
  })
})
