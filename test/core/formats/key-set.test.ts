import { describe, expect, it } from "vitest"
import { KeySet } from "../../../src/formats/key-set.js"

describe("KeySet (the line reader's duplicate-key check)", () => {
  it("should know every key it was given, past the switch to hashes, and few it was not", () => {
    const set = new KeySet()
    const n = 50_000
    for (let i = 0; i < n; i++) {
      expect(set.has(`key_${i}`)).toBe(false)
      set.add(`key_${i}`)
    }
    for (let i = 0; i < n; i++) expect(set.has(`key_${i}`)).toBe(true)
    let wrong = 0
    for (let i = n; i < 2 * n; i++) if (set.has(`key_${i}`)) wrong++
    expect(wrong).toBe(0)
    expect(set.has("")).toBe(false)
    set.add("")
    expect(set.has("")).toBe(true)
  })
})
