import { describe, expect, it } from "vitest"
import { scanText } from "../../src/scan/scanner.js"
import { defaultDetectors } from "../../src/scan/detectors/registry.js"

const SIZE = 200_000

/** Inputs that make backtracking engines go quadratic or worse: long runs that almost match. */
function pathological(): [string, string][] {
  const keywords = [...new Set(defaultDetectors.flatMap((d) => d.keywords))]
  const cases: [string, string][] = [
    ["one letter", "a".repeat(SIZE)],
    ["alphanumeric run", "aB3".repeat(SIZE / 3)],
    ["base64 run", "Ab9+/".repeat(SIZE / 5)],
    ["hex run", "0123456789abcdef".repeat(SIZE / 16)],
    ["dashes and dots", "-.".repeat(SIZE / 2)],
    ["colons and ats", "postgres://" + ":@".repeat(SIZE / 2)],
    ["user no at", "mongodb://u:" + "p".repeat(SIZE)],
    ["assignments", "password=".repeat(SIZE / 9)],
    ["jwt-ish", ("eyJ" + "a".repeat(50) + ".").repeat(SIZE / 54)],
    ["begin markers", "-----BEGIN PRIVATE KEY-----\n".repeat(SIZE / 28)],
    ["keywords back to back", keywords.join("").repeat(Math.ceil(SIZE / keywords.join("").length))],
    [
      "keywords then run",
      keywords
        .map((k) => k + "A".repeat(300))
        .join(" ")
        .repeat(3),
    ],
    ["every keyword with a long token", keywords.map((k) => `${k}${"x1Y_".repeat(100)}=`).join("\n")],
  ]
  return cases
}

describe("regex safety", () => {
  it.each(pathological())("should scan the %s input in bounded time", (_name, text) => {
    const t0 = performance.now()
    scanText(text, "p")
    const ms = performance.now() - t0
    // ~200 kB: linear patterns take a few ms; catastrophic backtracking takes seconds to hours
    expect(ms).toBeLessThan(1500)
  })
})
