import { describe, expect, it } from "vitest"
import { ageTwins, sealBoth } from "./age-twins.js"

// Text after a JSON file's top-level object (issue 8): sops 3.13.2 reads tokens up to that
// object's closing brace and never further, so it seals and opens such files; sealbridge does
// the same, plain and sealed, small (tree) and from 1 MiB (one pass), and refuses what sops
// refuses with the same exit status.
const twins = ageTwins("sealbridge-json-trailing-")
const { sops, ours, theirs, env, file } = twins

const DOC = '{"a": {"b": [1, 2.5, "x"]}, "c": null, "pw": "secret-value"}'
// About 1.1 MiB, past sealbridge's one-pass threshold (1 MiB); few keys, as sops takes seconds
// per thousand.
const BIG = `{${Array.from({ length: 1000 }, (_, i) => `"k${String(i)}": "value-${String(i)}-${"x".repeat(1100)}"`).join(", ")}}`

const TRAILING: [string, string | Buffer][] = [
  ["junk", `${DOC} junk`],
  ["second object", `${DOC}{"b": 2}`],
  ["closing brace", `${DOC}\n}`],
  ["closing bracket", `${DOC}]`],
  ["an open brace", `${DOC} {`],
  ["a comment", `${DOC} // note`],
  ["a sops object", `${DOC}\n{"sops": {"version": "3.13.2"}}`],
  ["blank lines", `${DOC}\n\n  \n`],
  ["invalid UTF-8", Buffer.concat([Buffer.from(DOC), Buffer.from([0xff, 0xfe, 0x0a])])],
  ["junk after 1.1 MiB", `${BIG}\njunk}`],
]

describe.skipIf(sops.skip)("sops interop: text after the top-level JSON object", () => {
  it.each(TRAILING)("%s: sealed alike, and opened by both to the same bytes", (what, text) => {
    const name = what.replaceAll(" ", "-")
    for (const [p, args] of [
      [file(`${name}.json`, text), []],
      [file(`${name}.txt`, text), ["--input-type", "json", "--output-type", "json"]],
    ] as const) {
      const { bySops, mine } = sealBoth(twins, p, args)

      const ext = args.length > 0 ? "txt" : "json"
      for (const [who, sealed] of [
        ["sops", bySops.out],
        ["sealbridge", mine.out],
      ] as const) {
        // The sealed file with the same text after it opens as the file without it.
        for (const [tag, bytes] of [
          ["as-is", Buffer.from(sealed)],
          ["trailing", Buffer.concat([Buffer.from(sealed), Buffer.from(text).subarray(-8)])],
        ] as const) {
          const s = file(`${who}.${name}.${tag}.sealed.${ext}`, bytes)
          const opened = theirs(["decrypt", ...args, s], { env: env() })
          expect(opened.code, opened.err).toBe(0)
          const ourOpen = ours(["decrypt", ...args, s], { env: env() })
          expect(ourOpen.code, ourOpen.err).toBe(0)
          expect(ourOpen.outBytes.equals(opened.outBytes)).toBe(true)
        }
      }
    }
  })

  it.each([
    ["text before the object", 'junk {"a": 1}'],
    ["a top-level array with text after it", "[1] x"],
    ["an unclosed object", '{"a": 1'],
    ["a lone brace", "{"],
  ])("%s: refused by both with exit 2, nothing written", (_what, text) => {
    const p = file("refused.json", text)
    const bySops = theirs(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(bySops.code).toBe(2)
    const mine = ours(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(mine.code).toBe(2)
    expect(mine.out).toBe("")
    expect(mine.err).toMatch(/^sealbridge: .*refused\.json/)
  })
})
