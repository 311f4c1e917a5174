import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { ageTwins, sealedShape } from "./age-twins.js"

// INI key names with =, :, " and backquotes (issue 8) through sealbridge and the real sops: what
// one seals the other opens to the same bytes, and the names sops writes but cannot read back
// are refused by sealbridge instead of sealed into a file nobody can open.
const twins = ageTwins("sealbridge-ini-keys-")
const { sops, ours, theirs, env, file } = twins

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/ini-keys/${name}`, import.meta.url), "utf8")

// Names sops writes and reads back; the = column is aligned by UTF-8 bytes.
const names = fixture("written-by-sops.ini")
// Quoted names as people write them by hand (no `-` keys: sops reads those as #1, #2 and then
// writes lines it reads as comments).
const handWritten =
  '[s]\n"a=b" = 1\n`x:y` = 2\n"""y`z""" = 3\n"a"junk = 4\n`k`:5\n"  sp  " = 7\nplain=9\n  `q=r`   =   10\n'

describe.skipIf(sops.skip)('sops interop: INI key names with =, :, " and backquotes', () => {
  it.each([
    ["names.ini", names],
    ["hand.ini", handWritten],
  ])("%s sealed by sops opens in sealbridge to the bytes sops gives, and the reverse", (name, text) => {
    const p = file(name, text)
    const bySops = theirs(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(bySops.code, bySops.err).toBe(0)
    const mine = ours(["encrypt", "--age", twins.recipient, p], { env: env() })
    expect(mine.code, mine.err).toBe(0)
    expect(sealedShape(mine.out)).toBe(sealedShape(bySops.out))

    const s1 = file(`sops.${name}`, bySops.out)
    const s2 = file(`sb.${name}`, mine.out)
    for (const sealed of [s1, s2]) {
      const opened = theirs(["decrypt", sealed], { env: env() })
      expect(opened.code, opened.err).toBe(0)
      const ourOpen = ours(["decrypt", sealed], { env: env() })
      expect(ourOpen.code, ourOpen.err).toBe(0)
      expect(ourOpen.out).toBe(opened.out)
    }
    if (name === "names.ini") expect(theirs(["decrypt", s1], { env: env() }).out).toBe(names)
  })

  it.each([
    ["both=`x", 25],
    ['a=b"`c', 25],
    ["k ", 25],
    [" k", 25],
    ["-", 25],
    ["#k", 51],
    [";k", 51],
  ])(
    "the name %j: sops seals it and then cannot open its own file (exit %i); sealbridge refuses to seal it",
    (key, sopsExit) => {
      const p = file("bad.json", JSON.stringify({ s: { ok: "secret-value", [key]: "secret-value" } }))
      const args = ["encrypt", "--input-type", "json", "--output-type", "ini", "--age", twins.recipient, p]
      const bySops = theirs(args, { env: env() })
      expect(bySops.code).toBe(0)
      expect(theirs(["decrypt", file("bad.sops.ini", bySops.out)], { env: env() }).code).toBe(sopsExit)

      const mine = ours(args, { env: env() })
      expect(mine.code).toBe(2)
      expect(mine.out).toBe("")
      expect(mine.err).toMatch(/^sealbridge: ini: section "s", key 2: cannot write (a|the) key name/)
      expect(mine.err).not.toContain("secret-value")
    },
  )
})
