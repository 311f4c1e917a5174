import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { readYamlCst } from "../../../src/formats/yaml-cst-read.js"
import { readYamlLines } from "../../../src/formats/yaml-line-read.js"
import { readYaml } from "../../../src/formats/yaml-read.js"
import { writeYaml } from "../../../src/formats/yaml-write.js"
import { yamlFormat } from "../../../src/formats/yaml.js"
import type { MapItem } from "../../../src/tree/node.js"

// Comments next to a flow value (`[]`, `{}`, `[1]`) where sops 3.13.2 gives no layout to follow:
// it seals a comment in a list, and a flow list's line comment, as a list item and then fails its
// own MAC (exit 51), and moves a `{}`'s line comment inside the braces. sealbridge keeps the value
// as it is and the comment next to it: the document reader once read such comments into the flow
// value, so that an empty one was written back (sealed) as a null value.
const layouts: [string, string, string][] = [
  ["a list item [] with a comment below", "a:\n  - []\n    # d\nb: 1\n", "a:\n    - []\n    # d\nb: 1\n"],
  ["a list item {} with a comment below", "a:\n  - {}\n    # d\n  - 1\n", "a:\n    - {}\n    # d\n    - 1\n"],
  [
    "a last list item {} with a comment at the list's column",
    "a:\n  - {}\n  # d\nb: 1\n",
    "a:\n    - {}\n    # d\nb: 1\n",
  ],
  ["a list item [] with a line comment", "a:\n  - [] # x\nb: 1\n", "a:\n    # x\n    - []\nb: 1\n"],
  ["[] with a line comment", "a: [] # x\nb: 1\n", "# x\na: []\nb: 1\n"],
  ["{} with a line comment and one below", "a: {} # x\n  # d\nb: 1\n", "# x\na: {}\n# d\nb: 1\n"],
  ["[1] with a line comment", "a: [1] # x\nb: 1\n", "# x\na:\n    - 1\nb: 1\n"],
]

describe("YAML comments next to a flow value that sops cannot seal", () => {
  it.each(layouts)("%s: the value kept, the comment beside it", (_name, text, want) => {
    expect(writeYaml(readYaml(text, "t.yaml"))).toBe(want)
    // Written back, it reads the same (sealbridge opens what it sealed).
    expect(writeYaml(readYaml(want, "t.yaml"))).toBe(want)
    // The fast readers hand over or agree.
    for (const read of [readYamlCst, readYamlLines]) {
      const branches = read(text)
      if (branches !== null) expect(writeYaml(branches)).toBe(want)
    }
  })

  it("should keep an empty flow value's type under a comment below it", () => {
    expect(readYaml("a: []\n  # d\n", "t.yaml")).toEqual([
      {
        kind: "map",
        items: [
          { kind: "entry", key: "a", value: { kind: "list", items: [] } },
          { kind: "comment", text: " d" },
        ],
      },
    ])
    expect(readYaml("a:\n  - {}\n  # d\n", "t.yaml")).toEqual([
      {
        kind: "map",
        items: [
          {
            kind: "entry",
            key: "a",
            value: {
              kind: "list",
              items: [
                { kind: "map", items: [] },
                { kind: "comment", text: " d" },
              ],
            },
          },
        ],
      },
    ])
  })
})

// Runs that end maps after a one-line flow list: sealed as sops 3.13.2 seals them (its encrypt
// output, as in test/fixtures/yaml-gap). Opening those sealed files is still not as sops: the
// block list then ends among the maps (README, remaining YAML differences).
describe("YAML comment runs after a one-line flow list", () => {
  it.each([
    [
      "k1:\n  k2: [1]\n    # d\n  # c2\n# c0\nk3: 1\n",
      "k1:\n    k2:\n        - 1\n    # d\n    # c2\n# c0\nk3: 1\n",
    ],
    [
      "k1:\n  k2: [a, b]\n  # c2\n# c0\nk3: 1\n",
      "k1:\n    k2:\n        - a\n        - b\n    # c2\n# c0\nk3: 1\n",
    ],
  ])("%j: sealed in the maps sops puts them in", (text, sealed) => {
    expect(writeYaml(readYaml(text, "t.yaml"))).toBe(sealed)
    expect(readYamlCst(text)).toBeNull()
    expect(readYamlLines(text)).toBeNull()
  })
})

// A non-empty flow map's line comment (`a: {x: 1} # e`): sops 3.13.2 writes it first inside the
// map, as a block map (`a:\n    # e\n    x: 1`), and opens that file again; an alias repeats the
// anchored map's. `sealed` is sops' output for each input (values in the clear). The fast readers
// hand flow values over.
const flowMaps = JSON.parse(
  readFileSync("test/fixtures/yaml-gap/flow-map-line-comments.sops-3.13.2.json", "utf8"),
) as { name: string; input: string; sealed: string }[]

describe("YAML line comments after a flow map, as sops 3.13.2 writes them", () => {
  it.each(flowMaps.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(writeYaml(readYaml(c.input, "t.yaml"))).toBe(c.sealed)
    // Written back, it reads the same.
    expect(writeYaml(readYaml(c.sealed, "t.yaml"))).toBe(c.sealed)
    for (const read of [readYamlCst, readYamlLines]) {
      const branches = read(c.input)
      if (branches !== null) expect(writeYaml(branches)).toBe(c.sealed)
    }
  })

  it("should put the comment first inside the map", () => {
    expect(readYaml("a: {x: 1} # e\n", "t.yaml")).toEqual([
      {
        kind: "map",
        items: [
          {
            kind: "entry",
            key: "a",
            value: {
              kind: "map",
              items: [
                { kind: "comment", text: " e" },
                { kind: "entry", key: "x", value: { kind: "scalar", value: { kind: "int", value: 1n } } },
              ],
            },
          },
        ],
      },
    ])
  })
})

// A map left with comments only (sops' `unset` of its last key): go-yaml writes an empty flow map
// around them, its `}` at column 0, and reads that back as an empty map without the comments
// (sops 3.13.2; the whole round trip is test/cli/unset-comment-only.test.ts).
describe("YAML maps holding comments only", () => {
  const comments = (...texts: string[]): MapItem[] => texts.map((text) => ({ kind: "comment", text }))

  it("should write them in braces, the `}` at column 0", () => {
    expect(
      writeYaml([
        { kind: "map", items: [{ kind: "entry", key: "a", value: { kind: "map", items: comments(" c") } }] },
      ]),
    ).toBe("a: {\n    # c\n}\n")
    const nested: MapItem[] = [
      { kind: "entry", key: "a", value: { kind: "map", items: comments(" c1", " c2") } },
    ]
    expect(
      writeYaml([
        { kind: "map", items: [{ kind: "entry", key: "p", value: { kind: "map", items: nested } }] },
      ]),
    ).toBe("p:\n    a: {\n        # c1\n        # c2\n}\n")
  })

  it.each([
    ["a: {\n    # c\n}\nz: 1\n", "a: {}\nz: 1\n"],
    ["p:\n    a: {\n        # c\n}\nz: 1\n", "p:\n    a: {}\nz: 1\n"],
    ["a:\n    b: {\n        # d\n}\n    # c\nz: 1\n", "a:\n    b: {}\n    # c\nz: 1\n"],
    ["a: {\n  # c\n}\nb: 1\n", "a: {}\nb: 1\n"],
  ])("%j: read as an empty map, the comments inside dropped", (text, want) => {
    expect(writeYaml(yamlFormat.parse(Buffer.from(text), "t.yaml"))).toBe(want)
  })
})

describe("YAML `}` at column 0 after comments, moved only when the text does not read as it is", () => {
  it("should report a text that does not read either way at its own position", () => {
    expect(() => yamlFormat.parse(Buffer.from("p:\n    a: {\n        # c\n}\n  z\n"), "t.yaml")).toThrow(
      /t\.yaml:4/,
    )
  })
})
