import { describe, expect, it } from "vitest"
import { formatYamlFloat, parseTimestamp, resolvePlain } from "../../../src/formats/yaml-scalar.js"

describe("go-yaml v3 plain scalar typing", () => {
  it.each([
    ["true", { kind: "bool", value: true }],
    ["False", { kind: "bool", value: false }],
    ["yes", { kind: "string", value: "yes" }],
    ["~", { kind: "null" }],
    ["", { kind: "null" }],
    ["017", { kind: "int", value: 15n }],
    ["0x1F", { kind: "int", value: 31n }],
    ["0o17", { kind: "int", value: 15n }],
    ["0b101", { kind: "int", value: 5n }],
    ["+5", { kind: "int", value: 5n }],
    ["1_000", { kind: "int", value: 1000n }],
    ["08", { kind: "float", value: 8 }],
    ["1.5", { kind: "float", value: 1.5 }],
    [".inf", { kind: "float", value: Infinity }],
    ["-.nan", { kind: "string", value: "-.nan" }],
    ["2024-01-01", { kind: "time", value: "2024-01-01T00:00:00Z" }],
    ["9223372036854775807", { kind: "int", value: 9223372036854775807n }],
  ])("%s", (text, expected) => {
    expect(resolvePlain(text)).toEqual(expected)
  })

  it("should refuse integers beyond int64 that fit uint64, as sops does", () => {
    expect(resolvePlain("18446744073709551615")).toBe("overflow")
  })

  it("should write timestamps as Go's RFC 3339 nano text", () => {
    expect(parseTimestamp("2024-01-01T10:00:00.500+02:00")).toBe("2024-01-01T10:00:00.5+02:00")
    expect(parseTimestamp("2024-1-2 3:04:05")).toBe("2024-01-02T03:04:05Z")
    expect(parseTimestamp("2024-01-01T00:00:00+00:00")).toBe("2024-01-01T00:00:00Z")
  })

  it("should format floats like Go's FormatFloat 'g' (what sops -d prints)", () => {
    expect(formatYamlFloat(1)).toBe("1")
    expect(formatYamlFloat(1234568000)).toBe("1.234568e+09")
    expect(formatYamlFloat(0.00001)).toBe("1e-05")
    expect(formatYamlFloat(1e21)).toBe("1e+21")
    expect(formatYamlFloat(100000.5)).toBe("100000.5")
    expect(formatYamlFloat(-Infinity)).toBe("-.inf")
  })
})
