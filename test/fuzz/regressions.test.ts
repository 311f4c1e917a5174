import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { parseSopsConfig } from "../../src/config/sops-config.js"
import { BridgeError } from "../../src/errors.js"
import type { FormatName } from "../../src/formats/format.js"
import { formats } from "../../src/formats/registry.js"
import { FIXTURES } from "../helpers/vectors.js"

// Crashers the fuzzer found (test/fuzz/), kept as fixtures: each one crashed a parser with an
// uncoded error (stack overflow), exhausted memory or took seconds before the fix.
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, "fuzz", name))

function codedError(fn: () => unknown): BridgeError {
  const start = process.cpuUsage()
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  const used = process.cpuUsage(start)
  expect((used.user + used.system) / 1000).toBeLessThan(1000)
  expect(caught).toBeInstanceOf(BridgeError)
  return caught as BridgeError
}

describe("fuzz regressions", () => {
  const cases: [string, FormatName, "parse" | "parseSealed", string][] = [
    ["json-nesting-bomb.json", "json", "parse", "FORMAT"],
    ["json-object-nesting-bomb.json", "json", "parseSealed", "FORMAT"],
    ["dotenv-deep-metadata.env", "dotenv", "parseSealed", "FORMAT"],
    ["dotenv-empty-list-index.env", "dotenv", "parseSealed", "FORMAT"],
    ["yaml-alias-bomb.yaml", "yaml", "parse", "FORMAT"],
    ["yaml-flow-nesting-bomb.yaml", "yaml", "parse", "FORMAT"],
    ["yaml-block-nesting-bomb.yaml", "yaml", "parse", "FORMAT"],
  ]
  for (const [file, format, fn, code] of cases) {
    it(`${file}: ${format} ${fn} fails fast with ${code}`, () => {
      const err = codedError(() => formats[format][fn](fixture(file), file))
      expect(err.code).toBe(code)
      expect(err.message).toMatch(/deep|aliasing|index/)
    })
  }

  it("sops-config-nesting-bomb.yaml: .sops.yaml parse fails fast with CONFIG", () => {
    const text = new TextDecoder().decode(fixture("sops-config-nesting-bomb.yaml"))
    expect(codedError(() => parseSopsConfig(text, ".sops.yaml")).code).toBe("CONFIG")
  })

  it("a refused YAML with a long line of spaces and a `}` at column 0 fails fast with FORMAT", () => {
    // The retry for go-yaml's `a: {` … `}` at column 0 once scanned it with a regex that
    // backtracked quadratically on the spaces (7 s of CPU at 64,000).
    const text = "a: 1\n" + " ".repeat(64_000) + "b: [\n}\n"
    const err = codedError(() => formats.yaml.parse(new TextEncoder().encode(text), "spaces.yaml"))
    expect([err.code, err.message]).toEqual([
      "FORMAT",
      "spaces.yaml:1:4: invalid yaml: Nested mappings are not allowed in compact mappings",
    ])
  })

  it("a single-quoted value with a long run of blanks and a U+2028 reads fast, blanks kept", () => {
    // The blanks next to a U+2028/U+2029 go (as in go-yaml); the pattern that found them once
    // backtracked quadratically over a run that ends in another character (5.6 s at 64,000).
    const blanks = " \t".repeat(32_000)
    const text = `a: '${blanks}x \u2028 y'\n`
    const start = process.cpuUsage()
    const [doc] = formats.yaml.parse(new TextEncoder().encode(text), "ls.yaml")
    const used = process.cpuUsage(start)
    expect((used.user + used.system) / 1000).toBeLessThan(1000)
    const a = doc?.items[0]
    expect(a?.kind === "entry" && a.value.kind === "scalar" ? a.value.value : null).toEqual({
      kind: "string",
      value: `${blanks}x\u2028y`,
    })
  })

  it("should still read nesting up to the limit and ordinary anchors", () => {
    const nested = "a: " + "[".repeat(400) + "]".repeat(400) + "\n"
    expect(formats.yaml.parse(new TextEncoder().encode(nested), "n.yaml")).toHaveLength(1)
    const json = "[".repeat(900) + "]".repeat(900)
    expect(() => formats.json.parse(new TextEncoder().encode(`{"a": ${json}}`), "n.json")).not.toThrow()
    const anchors = "base: &b {x: 1, y: 2}\none: *b\ntwo: *b\nthree: [*b, *b, *b]\n"
    const [doc] = formats.yaml.parse(new TextEncoder().encode(anchors), "a.yaml")
    expect(doc?.items.map((it) => (it.kind === "entry" ? it.key : ""))).toEqual([
      "base",
      "one",
      "two",
      "three",
    ])
  })
})
