import { describe, expect, it } from "vitest"
import { assertYamlDepth, MAX_YAML_DEPTH } from "../../../src/formats/yaml-depth.js"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { errorOf } from "../../helpers/error-of.js"

// The YAML nesting limit (issue 8, mutation testing): 500 collections deep is read, 501 is
// refused before the `yaml` package composes (and overflows on) the text, for each collection
// kind, in key and value position, in any document of a stream. The message names the source
// and the limit, never a character of the input.

const TOO_DEEP = "FORMAT f.yaml: yaml nested deeper than 500 levels"
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

/** `n` block maps, each the value of the one above: `k:\n  k:\n    …k: v`. */
const blockMaps = (n: number): string =>
  Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}k:${i === n - 1 ? " v" : ""}`).join("\n") + "\n"
/** `n` block sequences on one line: `- - - v`. */
const blockSeqs = (n: number): string => `${"- ".repeat(n)}v\n`
/** `n` flow sequences: `[[[v]]]`. */
const flowSeqs = (n: number): string => `${"[".repeat(n)}v${"]".repeat(n)}\n`
/** `n` flow maps, each the KEY of the one around it: `{{{a: 1}: 1}: 1}`. */
const flowKeys = (n: number): string => {
  let t = "a"
  for (let i = 0; i < n; i++) t = `{${t}: 1}`
  return `${t}\n`
}
/** `n` block maps, each the explicit key of the one around it: `? ? ? a`. */
const explicitKeys = (n: number): string => `${"? ".repeat(n)}a\n`

describe("assertYamlDepth", () => {
  it("should hold the limit sealbridge documents", () => {
    expect(MAX_YAML_DEPTH).toBe(500)
  })

  it.each([
    ["block maps", blockMaps],
    ["block sequences", blockSeqs],
    ["flow sequences", flowSeqs],
    ["flow maps in key position", flowKeys],
    ["block maps in explicit-key position", explicitKeys],
  ])("should read 500 nested %s and refuse 501 without quoting the input", (_, make) => {
    expect(() => {
      assertYamlDepth(make(500), "f.yaml")
    }).not.toThrow()
    const message = errorOf(() => {
      assertYamlDepth(make(501), "f.yaml")
    })
    expect(message).toBe(TOO_DEEP)
  })

  it("should count each collection kind alike when they are mixed", () => {
    // `maps` block maps, then `seqs` block sequences, then `flows` flow collections alternating
    // `[` and `{x: `: maps + seqs + flows levels in all.
    const mixed = (maps: number, seqs: number, flows: number): string => {
      let flow = "v"
      for (let i = flows - 1; i >= 0; i--) flow = i % 2 === 0 ? `[${flow}]` : `{x: ${flow}}`
      const keys = Array.from({ length: maps }, (_, i) => `${"  ".repeat(i)}k:`).join("\n")
      return `${keys}\n${"  ".repeat(maps)}${"- ".repeat(seqs)}${flow}\n`
    }
    expect(() => {
      assertYamlDepth(mixed(200, 150, 150), "f.yaml")
    }).not.toThrow()
    for (const [maps, seqs, flows] of [
      [201, 150, 150],
      [200, 151, 150],
      [200, 150, 151],
    ] as const) {
      expect(
        errorOf(() => {
          assertYamlDepth(mixed(maps, seqs, flows), "f.yaml")
        }),
      ).toBe(TOO_DEEP)
    }
  })

  it("should not add up the depths of siblings", () => {
    const siblings = `[${Array.from({ length: 600 }, () => "[]").join(", ")}]\n`
    expect(() => {
      assertYamlDepth(siblings, "f.yaml")
    }).not.toThrow()
    const keys = Array.from({ length: 600 }, (_, i) => `k${String(i)}:\n  - [x]`).join("\n")
    expect(() => {
      assertYamlDepth(keys, "f.yaml")
    }).not.toThrow()
  })

  it("should check every document of a stream, empty ones included", () => {
    expect(
      errorOf(() => {
        assertYamlDepth(`a: 1\n---\n---\n${flowSeqs(501)}`, "f.yaml")
      }),
    ).toBe(TOO_DEEP)
    expect(
      errorOf(() => {
        assertYamlDepth(`${blockSeqs(501)}---\na: 1\n`, "f.yaml")
      }),
    ).toBe(TOO_DEEP)
    expect(() => {
      assertYamlDepth(`---\n---\n${flowSeqs(500)}---\n${blockMaps(500)}`, "f.yaml")
    }).not.toThrow()
  })

  it("should let through text with no collection at all", () => {
    for (const text of ["", "# only a comment\n", "plain\n", "---\n...\n", "a:\n"]) {
      expect(() => {
        assertYamlDepth(text, "f.yaml")
      }).not.toThrow()
    }
  })
})

describe("the YAML format at the nesting limit", () => {
  // Regression: the CST reader counted a document's root map as level 0, so it read 501 nested
  // block maps that the document reader refuses: the same content was read or refused depending
  // on which reader took it. Now every reader hands over above 500 levels.
  it("should have every fast reader hand 501 nested block maps over to the checked reader", () => {
    expect(readYamlLines(blockMaps(500))).not.toBeNull()
    expect(readYamlCst(blockMaps(500))).not.toBeNull()
    expect(readYamlLines(blockMaps(501))).toBeNull()
    expect(readYamlCst(blockMaps(501))).toBeNull()
    expect(readYamlCst(`a:\n  ${blockSeqs(499)}`)).not.toBeNull()
    expect(readYamlCst(`a:\n  ${blockSeqs(500)}`)).toBeNull()
  })

  // The line and CST readers hand such text over at the same limit: the document reader then
  // checks it before composing.
  it.each([
    ["block maps", blockMaps],
    ["flow sequences under a key", (n: number): string => `a: ${flowSeqs(n - 1)}`],
    ["block sequences under a key", (n: number): string => `a:\n  ${blockSeqs(n - 1)}`],
  ])("should read 500 nested %s and refuse 501 with FORMAT", (_, make) => {
    const [branch] = yamlFormat.parse(enc(make(500)), "f.yaml")
    expect(branch?.kind).toBe("map")
    expect(errorOf(() => yamlFormat.parse(enc(make(501)), "f.yaml"))).toBe(TOO_DEEP)
    expect(errorOf(() => yamlFormat.parseSealed(enc(make(501)), "f.yaml"))).toBe(TOO_DEEP)
  })
})
