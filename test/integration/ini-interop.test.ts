import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { ageTwins, sealBoth } from "./age-twins.js"

// INI comments (inline `a = 1 # c`, `;;`/`##`/`#;` markers, empty ones, CRLF) and repeated
// sections through sealbridge and the real sops (issue 8): both seal the same texts in the same
// order (same ciphertext lengths), and what either seals opens in both to the bytes sops writes.
const twins = ageTwins("sealbridge-ini-interop-")
const { sops, ours, theirs, env, file } = twins

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")

const CASES = [
  ...["inline", "inline-more", "markers", "empty", "repeated-key", "crlf", "crlf-fence", "indent"].map(
    (c) => `ini-comments/${c}`,
  ),
  ...["sections", "default", "empty-sections"].map((c) => `ini-sections/${c}`),
]

describe.skipIf(sops.skip)("sops interop: INI comments and repeated sections", () => {
  it.each(CASES)("%s.ini: sealed alike, and opened by both to the bytes sops writes", (path) => {
    const name = path.replace("/", "-")
    const text = fixture(`${path}.ini`)
    const expected = fixture(`${path}.sops-out.ini`)
    // By extension, and as --input-type ini from a file sops would otherwise take as binary.
    for (const [p, args] of [
      [file(`${name}.ini`, text), []],
      [file(`${name}.txt`, text), ["--input-type", "ini", "--output-type", "ini"]],
    ] as const) {
      const { bySops, mine } = sealBoth(twins, p, args)

      for (const [who, sealed] of [
        ["sops", bySops.out],
        ["sealbridge", mine.out],
      ] as const) {
        const s = file(`${who}.${name}.sealed${args.length > 0 ? ".txt" : ".ini"}`, sealed)
        const opened = theirs(["decrypt", ...args, s], { env: env() })
        expect(opened.code, opened.err).toBe(0)
        expect(opened.out).toBe(expected)
        const ourOpen = ours(["decrypt", ...args, s], { env: env() })
        expect(ourOpen.code, ourOpen.err).toBe(0)
        expect(ourOpen.out).toBe(expected)
      }
    }
  })

  it("a first comment line that strips to nothing: sealed alike; sops panics opening it, sealbridge writes `; `", () => {
    const p = file("empty-first.ini", "[s]\n;\n; b\nc = 1\n")
    const { bySops } = sealBoth(twins, p)
    const s = file("empty-first.sealed.ini", bySops.out)
    const opened = theirs(["decrypt", s], { env: env() })
    expect(opened.code).toBe(2)
    expect(opened.err).toContain("index out of range")
    const ourOpen = ours(["decrypt", s], { env: env() })
    expect(ourOpen.code, ourOpen.err).toBe(0)
    expect(ourOpen.out).toBe("[s]\n; \n; b\nc = 1\n")
  })

  it.each([
    [
      '{"default":{"a":"1"},"t":{"b":"2"},"DEFAULT":{"c":"3"},"t ":{"d":"4"}}',
      "a = 1\n\n[t]\nb = 2\n\n[DEFAULT]\nc = 3\n\n[t ]\nd = 4\n",
    ],
    ['{"s":{"a":"1"},"DEFAULT":{"d":"2"}}', "[s]\na = 1\n\n[DEFAULT]\nd = 2\n"],
  ])("JSON %s opened as INI: only a first DEFAULT (any case) goes without its header", (json, expected) => {
    const p = file("conv.json", json)
    const sealed = file(
      "conv.sealed.json",
      ours(["encrypt", "--age", twins.recipient, p], { env: env() }).out,
    )
    for (const run of [theirs, ours]) {
      const r = run(["decrypt", "--output-type", "ini", sealed], { env: env() })
      expect(r.code, r.err).toBe(0)
      expect(r.out).toBe(expected)
    }
  })

  it("two [sops] sections: both refuse the file with exit 1", () => {
    const p = file("one.ini", "[s]\na = 1\n")
    const sealed = theirs(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(sealed.code, sealed.err).toBe(0)
    const twice = file("twice.ini", `${sealed.out}\n[sops]\nversion = 3.13.2\n`)
    const bySops = theirs(["decrypt", twice], { env: env() })
    expect(bySops.code).toBe(1)
    expect(bySops.err).toContain("Found duplicate sops entry")
    const mine = ours(["decrypt", twice], { env: env() })
    expect(mine.code).toBe(1)
    expect(mine.out).toBe("")
    expect(mine.err).toContain("more than one sops metadata entry")
  })

  it.each(["markers", "to-yaml", "crlf"])(
    "ini-comments/%s.ini opened as YAML: the comment lines as sops writes them",
    (name) => {
      const p = file(`${name}.yaml-out.ini`, fixture(`ini-comments/${name}.ini`))
      const sealed = theirs(["encrypt", "--age", twins.recipient, p], { env: env() })
      expect(sealed.code, sealed.err).toBe(0)
      const s = file(`${name}.yaml-out.sealed.ini`, sealed.out)
      const bySops = theirs(["decrypt", "--output-type", "yaml", s], { env: env() })
      expect(bySops.code, bySops.err).toBe(0)
      const mine = ours(["decrypt", "--output-type", "yaml", s], { env: env() })
      expect(mine.code, mine.err).toBe(0)
      expect(mine.out).toBe(bySops.out)
    },
  )
})
