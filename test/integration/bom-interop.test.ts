import { describe, expect, it } from "vitest"
import { ageTwins, sealBoth } from "./age-twins.js"

// A UTF-8 byte-order mark before a plain or a sealed file (JSON, YAML, dotenv, INI): sealbridge
// gives sops 3.13.2's exit status, and where both succeed the same bytes. sops' stores differ:
// go-yaml and go-ini skip the mark, encoding/json refuses it (2 plain, 1 sealed), the dotenv
// store keeps it in the first key (a sealed file with a mark put before it fails with 25).
const twins = ageTwins("sealbridge-bom-interop-")
const { sops, ours, theirs, env, file } = twins

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const withBom = (text: string | Buffer): Buffer => Buffer.concat([BOM, Buffer.from(text)])

const PLAIN: [string, string][] = [
  ["json", '{"a": "x", "n": 1}'],
  ["yaml", "# note\na: x\nn: 1\n"],
  ["env", "a=x\nn=1\n"],
  ["ini", "[s]\na = x\nn = 1\n"],
]
// decrypt of a sealed file with a mark put before it, as sops 3.13.2 exits.
const SEALED_EXIT: Record<string, number> = { json: 1, yaml: 0, env: 25, ini: 0 }
// About 300 KiB and 1.1 MiB: past sealbridge's one-pass sealing (256 KiB) and opening (1 MiB)
// thresholds. Few keys, as sops takes seconds per thousand.
const long = (ext: "json" | "yaml", n: number): string =>
  ext === "json"
    ? `{${Array.from({ length: n }, (_, i) => `"k${String(i)}": "v-${"x".repeat(1100)}"`).join(", ")}}`
    : Array.from({ length: n }, (_, i) => `k${String(i)}: v-${"x".repeat(1100)}\n`).join("")

describe.skipIf(sops.skip)("sops interop: a UTF-8 byte-order mark before the file", () => {
  it.each([
    ["json", "an object", '{"a": 1}', 2],
    ["json", "nothing", "", 2],
    ["json", "300 KiB, one-pass sealing", long("json", 270), 2],
    ["yaml", "nothing", "", 2],
    ["yaml", "a blank line", "\n", 2],
    ["env", "a comment line", "# note\na=x\n", 2],
    ["env", "a blank line", "\na=x\n", 2],
    ["env", "nothing", "", 2],
    ["ini", "nothing", "", 0],
  ] as const)("%s plain, the mark then %s: encrypt exits as sops (%i)", (ext, _what, text, code) => {
    const p = file(`refused.${ext}`, withBom(text))
    const bySops = theirs(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(bySops.code).toBe(code)
    const mine = ours(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(mine.code, mine.err).toBe(code)
    if (code !== 0) {
      expect(mine.out).toBe("")
      expect(mine.err).toMatch(new RegExp(`^sealbridge: .*refused\\.${ext}:1:1: .*byte-order mark`))
    }
  })

  it.each([...PLAIN.filter(([ext]) => ext !== "json"), ["yaml", long("yaml", 270)]])(
    "%s plain with a mark: sealed alike, each opens the other's to the bytes sops writes",
    (ext, text) => {
      const p = file(`plain.${ext}`, withBom(text))
      const { bySops, mine } = sealBoth(twins, p)
      for (const [who, sealed] of [
        ["sops", bySops.outBytes],
        ["sealbridge", mine.outBytes],
      ] as const) {
        const s = file(`${who}.sealed.${ext}`, sealed)
        const opened = theirs(["decrypt", s], { env: env() })
        expect(opened.code, opened.err).toBe(0)
        const ourOpen = ours(["decrypt", s], { env: env() })
        expect(ourOpen.code, ourOpen.err).toBe(0)
        expect(ourOpen.outBytes.equals(opened.outBytes)).toBe(true)
      }
      // dotenv keeps the mark in the first key; the others drop it.
      expect(bySops.outBytes.subarray(0, 3).equals(BOM)).toBe(ext === "env")
      expect(mine.outBytes.subarray(0, 3).equals(BOM)).toBe(ext === "env")
    },
  )

  it.each([
    ...PLAIN.map(([ext, text]) => [ext, "small", text]),
    ["json", "1.1 MiB, one-pass opening", long("json", 1000)],
    ["yaml", "1.1 MiB, one-pass opening", long("yaml", 1000)],
  ])(
    "%s sealed (%s), then a mark put before it: decrypt exits as sops, with the same output",
    (ext, _what, text) => {
      const sealed = ours(["encrypt", "--age", twins.recipient, file(`s.${ext}`, text)], { env: env() })
      expect(sealed.code, sealed.err).toBe(0)
      const s = file(`bom-s.${ext}`, withBom(sealed.outBytes))
      const opened = theirs(["decrypt", s], { env: env() })
      const ourOpen = ours(["decrypt", s], { env: env() })
      expect(ourOpen.code, ourOpen.err).toBe(opened.code)
      expect(ourOpen.code).toBe(SEALED_EXIT[ext])
      expect(ourOpen.outBytes.equals(opened.outBytes)).toBe(true)
    },
  )
})
