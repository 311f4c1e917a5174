import { describe, expect, it } from "vitest"
import { aad } from "../../src/tree/path.js"

describe("aad", () => {
  it("should join map keys with a trailing colon", () => {
    expect(aad(["a", "b"])).toBe("a:b:")
    expect(aad([])).toBe("")
  })
})
