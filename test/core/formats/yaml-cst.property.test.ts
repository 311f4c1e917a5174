import { fc, test } from "@fast-check/vitest"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { yamlDoc } from "./yaml-docs.js"

// The CST reader must give exactly what the document-model reader gives, or hand over (null).
function outcome(read: () => unknown): unknown {
  try {
    return read()
  } catch (err) {
    return { threw: (err as Error).message }
  }
}

function sameAsDocumentModel(text: string): "fast" | "fallback" {
  const fast = readYamlCst(text)
  // The line reader accepts a subset of what the CST reader accepts, and reads it the same.
  const lines = readYamlLines(text)
  if (fast === null) {
    expect(lines).toBeNull()
    return "fallback"
  }
  expect(fast).toEqual(outcome(() => readYaml(text, "t.yaml")))
  if (lines !== null) expect(lines).toEqual(fast)
  return "fast"
}

/** Whether the line reader (the fastest path) takes `text`, checked against the other two. */
function linePath(text: string): boolean {
  sameAsDocumentModel(text)
  return readYamlLines(text) !== null
}

// CI runs the default; `PROPERTY_RUNS=20000 npx vitest run <this file>` searches harder.
const runs = Number(process.env["PROPERTY_RUNS"] ?? 400)
// ~2 ms a run on a quiet machine; a shared one needs several times that.
const timeout = Math.max(20_000, runs * 10)

describe("YAML CST and line readers against the document-model reader", () => {
  it("should hand over a key indented unlike its siblings (CI counterexample, seed 1959904564)", () => {
    const text = "k2:\n    k4:\n      k5: x\n  a: y\n"
    expect(readYamlCst(text)).toBeNull()
    expect(() => readYaml(text, "t.yaml")).toThrow(/same column/)
  })

  it("should place a run after [] at the end of a text without a line break in all three readers (seed 191456079)", () => {
    // sops puts the comment in k0's map (its scanner stops at the end of the last line).
    const text = "k0:\n  k1: []\n # tail#"
    const want = "k0:\n    k1: []\n    # tail#\n"
    expect(writeYaml(readYaml(text, "t.yaml"))).toBe(want)
    expect(writeYaml(readYamlCst(text) ?? [])).toBe(want)
    expect(writeYaml(readYamlLines(text) ?? [])).toBe(want)
  })

  it("should split a run after [] at its blank line in all three readers (seed -1779320383)", () => {
    // sops 3.13.2 keeps the piece before the blank line in k1's map (the value's foot) and puts
    // the one after it, though more indented, at the top level: the tree readers once kept both
    // in k1's map while the line reader split them (test/fixtures/yaml-gap/empty-flow-comments).
    const text = '#\n\n#\n\nk0: ""\n\nk1:\n\n  k2: []\n#\n\n  #\n'
    const want = '#\n#\nk0: ""\nk1:\n    k2: []\n    #\n#\n'
    expect(sameAsDocumentModel(text)).toBe("fast")
    expect(writeYaml(readYaml(text, "t.yaml"))).toBe(want)
    expect(writeYaml(readYamlCst(text) ?? [])).toBe(want)
    expect(writeYaml(readYamlLines(text) ?? [])).toBe(want)
    // The same with words: which comment lands where.
    const worded = "k1:\n  k2: []\n# c0\n\n  # c2\n"
    expect(writeYaml(readYaml(worded, "t.yaml"))).toBe("k1:\n    k2: []\n    # c0\n# c2\n")
    expect(writeYaml(readYamlLines(worded) ?? [])).toBe("k1:\n    k2: []\n    # c0\n# c2\n")
  })

  it("should read a lone # as the empty comment in all three readers (sops: kept as #, never sealed)", () => {
    const commentsOf = (node: unknown): string[] => {
      if (typeof node !== "object" || node === null) return []
      const n = node as { kind?: string; text?: string; items?: unknown[]; value?: unknown }
      if (n.kind === "comment") return [n.text ?? "?"]
      return [...(n.items ?? []).flatMap(commentsOf), ...commentsOf(n.value)]
    }
    const cases: [string, string[]][] = [
      ["#\na: 1\n", [""]],
      ["a: 1\n#\nb: 2\n#", ["", ""]],
      ["a: 1\n# \n#   \n", [" ", "   "]],
      ["a:\n    #\n    b: 1\n    #\nc: 2\n", ["", ""]],
      ["a:\n    - 1\n    #\n    - 2\n", [""]],
      ["a:\n    - k: 1\n      #\n    - 2\n#\n", ["", ""]],
      ["a: 1 #\n", [""]],
      ["a: #\n    b: 1\n", [""]],
      ["a: &x 1\n#\nb: *x\n", [""]],
    ]
    for (const [text, want] of cases) {
      sameAsDocumentModel(text)
      expect(commentsOf(readYaml(text, "t.yaml")[0]), text).toEqual(want)
    }
    // The line reader takes the block subset's lone # (the fast path), the CST reader the rest.
    expect(readYamlLines("a: 1\n#\nb:\n    c: 2\n    #\nd: 3\n#")).not.toBeNull()
    expect(readYamlCst("a: 1\n# \n")).not.toBeNull()
  })

  test.prop({ text: yamlDoc }, { numRuns: runs })(
    "should read random documents exactly as the document model does, or hand over",
    ({ text }) => {
      sameAsDocumentModel(text)
    },
    timeout,
  )

  test.prop(
    {
      text: fc.string({
        unit: fc.constantFrom(
          "a",
          ":",
          " ",
          "\n",
          "-",
          "#",
          "'",
          '"',
          "[",
          "]",
          "&",
          "*",
          "!",
          "|",
          "\t",
          "?",
          "{",
          "}",
          ",",
          "1",
        ),
        maxLength: 40,
      }),
    },
    { numRuns: runs },
  )(
    "should never accept text the document model rejects, nor read it differently",
    ({ text }) => {
      sameAsDocumentModel(text)
    },
    timeout,
  )

  it("should take the fast path for sealed files, the bench input and commented block YAML", () => {
    const fixtures = [
      "test/fixtures/vectors/age-pr1031/example.yaml",
      "test/fixtures/vectors/age-pr1031/example.sops-plain.yaml",
    ]
    for (const f of fixtures) expect(sameAsDocumentModel(readFileSync(f, "utf8"))).toBe("fast")
    const lines = ["# generated"]
    for (let i = 0; i < 500; i++)
      lines.push(
        `svc_${i}: # c`,
        `    user: user-${i}`,
        `    list:`,
        `        - "q ${i}" # e`,
        `        - k: 1.5`,
      )
    expect(sameAsDocumentModel(lines.join("\n") + "\n")).toBe("fast")
  })

  it("should take the line reader for sealed files and block YAML without end-of-line comments", () => {
    for (const f of [
      "test/fixtures/vectors/age-pr1031/example.yaml",
      "test/fixtures/vectors/age-pr1031/example.sops-plain.yaml",
    ])
      expect(linePath(readFileSync(f, "utf8"))).toBe(true)
    const lines = ["# generated"]
    for (let i = 0; i < 300; i++)
      lines.push(
        `svc_${i}:`,
        `    user: user-${i}`,
        `    # about the list`,
        `    list:`,
        `        - "q ${i}"`,
        `        - k: 1.5`,
        `          enc: |`,
        `            line ${i}`,
        ``,
        `              more`,
        `        - 'it''s'`,
        `    n: ~`,
        `    e: {}`,
      )
    expect(linePath(lines.join("\n") + "\n")).toBe(true)
    // Comments below nested maps at outer columns (yaml-gap.ts), before a key and at the end.
    expect(linePath("a:\n    b: 1\n# after a block\nc: 2\n")).toBe(true)
    expect(linePath("a:\n  b:\n    c: 1\n    # c4\n\n  # c2\n# c0\n")).toBe(true)
  })

  it("should hand over what is outside its subset, and still agree with the other readers", () => {
    for (const text of [
      "a: 1 # tail\n",
      // Below a list: where go-yaml puts these is not followed (yaml-gap.ts places maps only).
      "a:\n    - b: 1\n# after a list\nc: 2\n",
      "a: |+\n    x\n\n",
      "a: >\n    x\n",
      'a: "esc\\n"\n',
      "a: plain\n    continued\n",
      "a:\n- compact\n",
      "a: 1\n---\nb: 2\n",
      "a: &x 1\n",
      "a: [1, 2]\n",
      "a: |\n    no newline at end",
      "a:\n",
      "a: 1 \n",
      "- top\n",
      // Deeper than the other readers allow: theirs to refuse.
      Array.from({ length: 600 }, (_, i) => `${" ".repeat(i)}k:`).join("\n") + ` v\n`,
    ])
      expect(linePath(text)).toBe(false)
  })
})
