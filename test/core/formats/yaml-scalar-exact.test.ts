import { describe, expect, it } from "vitest"
import { formatYamlFloat, parseTimestamp, resolvePlain } from "../../../src/formats/yaml-scalar.js"
import type { Scalar } from "../../../src/tree/node.js"

// go-yaml v3's plain scalar typing at its edges (issue 8, mutation testing): each spelling of the
// special words, every integer base and sign, the int64/uint64 bounds, float and timestamp forms
// that just match and just miss, and Go's 'g' float text around its exponent switch.
const s = (value: string): Scalar => ({ kind: "string", value })
const i = (value: bigint): Scalar => ({ kind: "int", value })
const f = (value: number): Scalar => ({ kind: "float", value })
const t = (value: string): Scalar => ({ kind: "time", value })

describe("resolvePlain at its edges", () => {
  it.each<[string, Scalar | "overflow"]>([
    ["null", { kind: "null" }],
    ["Null", { kind: "null" }],
    ["NULL", { kind: "null" }],
    ["nulL", s("nulL")],
    ["True", { kind: "bool", value: true }],
    ["TRUE", { kind: "bool", value: true }],
    ["false", { kind: "bool", value: false }],
    ["FALSE", { kind: "bool", value: false }],
    [".Inf", f(Infinity)],
    [".INF", f(Infinity)],
    ["+.inf", f(Infinity)],
    ["+.Inf", f(Infinity)],
    ["+.INF", f(Infinity)],
    ["-.inf", f(-Infinity)],
    ["-.Inf", f(-Infinity)],
    ["-.INF", f(-Infinity)],
    [".nan", f(NaN)],
    [".NaN", f(NaN)],
    [".NAN", f(NaN)],
    ["-", s("-")],
    ["+", s("+")],
    [".", s(".")],
    ["a1", s("a1")],
    ["/x", s("/x")],
    ["0", i(0n)],
    ["-017", i(-15n)],
    ["0X1f", i(31n)],
    ["0O17", i(15n)],
    ["0B11", i(3n)],
    ["0o8", s("0o8")],
    ["0b2", s("0b2")],
    ["0xG", s("0xG")],
    ["-0x10", i(-16n)],
    ["+0b1", i(1n)],
    ["0_1", i(1n)],
    ["1__0", i(10n)],
    ["9223372036854775808", "overflow"],
    ["-9223372036854775808", i(-9223372036854775808n)],
    ["-9223372036854775809", f(Number(-9223372036854775809n))],
    ["18446744073709551616", f(18446744073709551616)],
    ["-18446744073709551615", f(Number(-18446744073709551615n))],
    ["1.", f(1)],
    [".5", f(0.5)],
    ["-.5", f(-0.5)],
    ["+1.5e3", f(1500)],
    ["1e5", f(100000)],
    ["1E-2", f(0.01)],
    ["12.75", f(12.75)],
    ["1.5e", s("1.5e")],
    ["1e+", s("1e+")],
    ["e5", s("e5")],
    ["1.2.3", s("1.2.3")],
    ["12abc", s("12abc")],
    ["1_0.5", f(10.5)],
    ["2024-01-01 ", s("2024-01-01 ")],
    ["2024-1-2T3:4:5Z", t("2024-01-02T03:04:05Z")],
    ["2024-01-02t10:00:00.123000Z", t("2024-01-02T10:00:00.123Z")],
    ["2024-01-02T10:00:00-05:30", t("2024-01-02T10:00:00-05:30")],
    ["2024-01-02T10:00:00-00:00", t("2024-01-02T10:00:00Z")],
    ["2024-01-02 10:00:00.100", t("2024-01-02T10:00:00.1Z")],
    ["2024-01-02 1:2:3.0", t("2024-01-02T01:02:03Z")],
    ["2024-01-02T10:00:00.000Z", t("2024-01-02T10:00:00Z")],
    ["2024-01-02T10:00:00", s("2024-01-02T10:00:00")],
    ["2024-01-02T10:00:00+0530", s("2024-01-02T10:00:00+0530")],
    ["24-01-02", s("24-01-02")],
    ["2024-001-02", s("2024-001-02")],
    ["2024-01-02X", s("2024-01-02X")],
  ])("%j", (text, expected) => {
    expect(resolvePlain(text)).toEqual(expected)
  })

  it("should read a minus zero as the integer 0 and -0.0 as a float minus zero", () => {
    expect(resolvePlain("-0")).toEqual(i(0n))
    const z = resolvePlain("-0.0")
    expect(z).toEqual(f(-0))
    expect(z !== "overflow" && z.kind === "float" && Object.is(z.value, -0)).toBe(true)
  })
})

describe("parseTimestamp at its edges", () => {
  it.each<[string, string | null]>([
    ["2024-1-2", "2024-01-02T00:00:00Z"],
    ["2024-01-02 10:00:00.10", "2024-01-02T10:00:00.1Z"],
    ["2024-01-02T1:2:3.0-00:00", "2024-01-02T01:02:03Z"],
    ["2024-01-02T10:00:00.000Z", "2024-01-02T10:00:00Z"],
    ["2024-01-01T10:00:00.500+02:00x", null],
    ["x2024-01-01", null],
  ])("%j", (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected)
  })
})

describe("formatYamlFloat around its exponent switch", () => {
  it.each<[number, string]>([
    [0, "0"],
    [-0, "-0"],
    [NaN, ".nan"],
    [Infinity, ".inf"],
    [0.0001, "0.0001"],
    [0.00001234, "1.234e-05"],
    [123456, "123456"],
    [999999, "999999"],
    [1000000, "1e+06"],
    [-1000000, "-1e+06"],
    [-2.25, "-2.25"],
    [0.1, "0.1"],
    [123.456, "123.456"],
    [1e-7, "1e-07"],
    [-1.5e-7, "-1.5e-07"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [100, "100"],
    [120000, "120000"],
  ])("%d as %s", (v, text) => {
    expect(formatYamlFloat(v)).toBe(text)
  })
})

// Corners the first mutation run left open (issue 8): a fraction-only float with several digits,
// exponents of two digits, zeros inside a timestamp's fraction, and 17-digit floats, whose
// digit count sets how many decimals toFixed prints (one more shows the binary expansion).
describe("go-yaml floats and fractions with several digits", () => {
  it.each<[string, Scalar]>([
    [".25", f(0.25)],
    ["-.125", f(-0.125)],
    [".5e10", f(5e9)],
    ["1e10", f(1e10)],
    ["1.5E+12", f(1.5e12)],
    ["+12e-10", f(1.2e-9)],
    ["6.02e23", f(6.02e23)],
    ["1e1x", s("1e1x")],
    [".25.", s(".25.")],
  ])("should read %j", (text, scalar) => {
    expect(resolvePlain(text)).toEqual(scalar)
  })

  it.each<[string, string]>([
    ["2001-12-14T21:59:43.050Z", "2001-12-14T21:59:43.05Z"],
    ["2001-12-14T21:59:43.0010+00:00", "2001-12-14T21:59:43.001Z"],
    ["2001-12-14 21:59:43.10020", "2001-12-14T21:59:43.1002Z"],
  ])("should keep the inner zeros of %j's fraction", (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected)
  })

  it.each<[number, string]>([
    [0.1 + 0.2, "0.30000000000000004"],
    [-(0.1 + 0.2), "-0.30000000000000004"],
    [1234.5678901234567, "1234.5678901234567"],
    [-0.00012345678901234567, "-0.00012345678901234567"],
    [99999.99999999999, "99999.99999999999"],
  ])("should print %d with its 17 digits and no more", (v, text) => {
    expect(formatYamlFloat(v)).toBe(text)
  })
})
