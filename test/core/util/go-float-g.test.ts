import { describe, expect, it } from "vitest"
import { formatSopsFloat } from "../../../src/util/go-float-g.js"

// Expected texts are what sops 3.13.2 exec-env printed for these YAML floats.
describe("formatSopsFloat (sops ValToString for floats)", () => {
  it.each([
    [1.5, "1.5"],
    [5, "5.0"],
    [1234567, "1.234567E+06"],
    [123456.5, "123456.5"],
    [0.00001, "1E-05"],
    [1e21, "1E+21"],
    [-0, "-0.0"],
    [0, "0.0"],
    [0.0001, "0.0001"],
    [-2.5e-7, "-2.5E-07"],
    [1e100, "1E+100"],
    [Infinity, "+Inf"],
  ])("should write %s as %s", (v, text) => {
    expect(formatSopsFloat(v)).toBe(text)
  })
})
