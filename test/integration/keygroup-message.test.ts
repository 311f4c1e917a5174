import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sopsTwins } from "./sops-twins.js"

// sops' text for a key group with no key is matched on by tools: both CLIs must print it, exit 1.
const t = sopsTwins("sealbridge-keygroup-")
afterAll(t.cleanup)
const MESSAGE = "Could not generate data key: [empty key group provided]"
let recipient = ""
const keyFile = () => join(t.dir, "k.txt")

beforeAll(() => {
  if (t.sops.skip) return
  recipient = t.ours(["keygen", "-o", keyFile()]).out.trim()
  writeFileSync(join(t.dir, "app.yaml"), "a: 1\n")
})

describe.skipIf(t.sops.skip)("an empty key group, as sops 3.13 reports it", () => {
  const rules = (): [string, string][] => [
    ["one of two groups empty", `  - key_groups:\n      - age: [${recipient}]\n      - age: []\n`],
    ["the only group empty", "  - key_groups:\n      - age: []\n"],
    ["a rule naming no key", "  - path_regex: \\.yaml$\n"],
  ]

  it("should refuse to encrypt with sops' exact message and exit 1, writing nothing", () => {
    for (const [what, rule] of rules()) {
      writeFileSync(join(t.dir, ".sops.yaml"), `creation_rules:\n${rule}`)
      for (const args of [
        ["encrypt", "app.yaml"],
        ["-e", "app.yaml"],
        ["-e", "-i", "app.yaml"],
      ]) {
        const env = { SOPS_AGE_KEY_FILE: keyFile() }
        const m = t.ours(args, { env })
        const s = t.theirs(args, { env })
        expect({ what, args, codes: [m.code, s.code] }).toEqual({ what, args, codes: [1, 1] })
        expect(s.err).toContain(MESSAGE)
        expect(m.err.split("\n")[0]).toBe(`sealbridge: ${MESSAGE}`)
        expect(m.out).toBe("")
      }
    }
  })

  it("should say so for groups add with no key, where sops 3.13 exits 0 and writes a file it cannot open", () => {
    writeFileSync(join(t.dir, ".sops.yaml"), `creation_rules:\n  - age: ${recipient}\n`)
    const sealed = t.ours(["encrypt", "app.yaml"], { env: { SOPS_AGE_KEY_FILE: keyFile() } })
    writeFileSync(join(t.dir, "sealed.yaml"), sealed.out)
    writeFileSync(join(t.dir, "sealed-by-sops.yaml"), sealed.out)
    const env = { SOPS_AGE_KEY_FILE: keyFile() }
    const m = t.ours(["groups", "add", "-f", "sealed.yaml"], { env })
    expect(m.code).toBe(1)
    expect(m.err.split("\n")[0]).toBe(`sealbridge: ${MESSAGE}`)
    expect(readFileSync(join(t.dir, "sealed.yaml"), "utf8")).toBe(sealed.out)
    // sops 3.13: exit 0 and a file with an empty group on stdout, which then nothing opens.
    const s = t.theirs(["groups", "add", "-f", "sealed-by-sops.yaml"], { env })
    expect(s.code).toBe(0)
    expect(s.out).not.toBe(sealed.out)
    writeFileSync(join(t.dir, "sealed-by-sops.yaml"), s.out)
    const opened = t.theirs(["decrypt", "sealed-by-sops.yaml"], { env })
    expect([opened.code, opened.out]).toEqual([128, ""])
  })
})
