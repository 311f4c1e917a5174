import { chmodSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { doc, mismatch, render, RULES, type Item } from "../helpers/selection-oracle.js"
import { sopsTwins } from "./sops-twins.js"

// Issue 8: the selection-rule oracle (test/helpers/selection-oracle.ts) against the real sops
// 3.13: sops seals exactly the lines the oracle names, for all six rules (the comment rules
// included) and the default, with and without mac_only_encrypted; sealbridge writes the same
// shape and each tool opens the other's file. Then files that sealbridge's set/edit/rotate wrote
// open in sops, and sops' own set/edit/rotate output opens in sealbridge, the selection intact.
const t = sopsTwins("sealbridge-selection-interop-")
afterAll(t.cleanup)
const keyFile = join(t.dir, "keys.txt")
let recipient = ""
const env = () => ({ SOPS_AGE_KEY_FILE: keyFile })

beforeAll(() => {
  if (t.sops.skip) return
  recipient = t.ours(["keygen", "-o", keyFile]).out.trim()
})

/** Sealed text with the random parts masked (type and ciphertext length kept). */
const shape = (text: string): string =>
  text
    .replace(
      /ENC\[AES256_GCM,data:([^,]*),iv:[^,]*,tag:[^,]*,type:([a-z]+)\]/g,
      (_m, data: string, type: string) => `ENC[${type}:${String(data.length)}]`,
    )
    .replace(/-----BEGIN AGE ENCRYPTED FILE-----[\s\S]*?-----END AGE ENCRYPTED FILE-----/g, "AGE")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "TIME")
    .replace(/version: \S+/, "version")

// A fixed sample of the generator (the same documents on every run), small enough for two
// binaries per document.
const DOCS: Item[][] = fc.sample(doc, { seed: 20261202, numRuns: 4 })

describe.skipIf(t.sops.skip)("selection rules: the oracle against sops 3.13", () => {
  for (const { flag, rule } of RULES) {
    const name = rule === null ? "no rule" : `${rule.kind} ${rule.value}`
    it(`${name}: sops seals what the oracle says, sealbridge the same shape, each opens the other's`, () => {
      DOCS.forEach((d, i) => {
        const macOnly = i % 2 === 1
        const { lines } = render(d, rule, macOnly)
        const plain = lines.map((l) => l.text).join("\n") + "\n"
        const file = join(t.dir, `sel-${String(i)}.yaml`)
        writeFileSync(file, plain)
        // The legacy -e form: sops 3.13's `encrypt` subcommand has no --mac-only-encrypted flag.
        const flags = [
          "-e",
          "--age",
          recipient,
          ...(rule === null ? [] : [flag, rule.value]),
          ...(macOnly ? ["--mac-only-encrypted"] : []),
          file,
        ]
        const their = t.theirs(flags)
        expect(their.code, their.err).toBe(0)
        expect(mismatch(lines, their.out), `sops\n${plain}`).toBe("")
        const mine = t.ours(flags)
        expect(mine.code, mine.err).toBe(0)
        expect(mismatch(lines, mine.out), `sealbridge\n${plain}`).toBe("")
        expect(shape(mine.out)).toBe(shape(their.out))
        const theirFile = join(t.dir, `sel-${String(i)}.sops.yaml`)
        const mineFile = join(t.dir, `sel-${String(i)}.sb.yaml`)
        writeFileSync(theirFile, their.out)
        writeFileSync(mineFile, mine.out)
        expect(t.ours(["decrypt", theirFile], { env: env() }).out).toBe(plain)
        expect(t.theirs(["decrypt", mineFile], { env: env() }).out).toBe(plain)
      })
    })
  }
})

/** A document for the set/edit/rotate round: comments at two levels, both comment rules hit. */
const PLAIN = "# seal this\na: va\n# keep\nb: vb\nm:\n    # seal\n    c: vc\n    d: 7\n"
const EDITED = PLAIN.replace("a: va", "a: vnew").replace("d: 7", "d: 8")
const COMMENT_RULES = [
  ["--encrypted-comment-regex", "seal"],
  ["--unencrypted-comment-regex", "keep"],
  ["--encrypted-regex", "^(a|m)$"],
] as const

describe.skipIf(t.sops.skip)("files written by set, edit and rotate open in the other tool", () => {
  const editor = join(t.dir, "edit.sh")
  beforeAll(() => {
    writeFileSync(editor, `#!/bin/sh\nsed -i -e 's/^a: va$/a: vnew/' -e 's/^    d: 7$/    d: 8/' "$1"\n`)
    chmodSync(editor, 0o755)
  })

  for (const [flag, value] of COMMENT_RULES) {
    for (const [writer, reader] of [
      ["sealbridge", "sops"],
      ["sops", "sealbridge"],
    ] as const) {
      it(`${flag} ${value}: ${writer}'s set, edit and rotate -i are opened by ${reader}, the selection as a fresh seal's`, () => {
        const write = writer === "sops" ? t.theirs : t.ours
        const read = reader === "sops" ? t.theirs : t.ours
        const src = join(t.dir, `round-${writer}.yaml`)
        writeFileSync(src, PLAIN)
        // The reference shape: sops sealing the edited plaintext afresh with the same rule.
        const editedSrc = join(t.dir, `round-${writer}-edited.yaml`)
        writeFileSync(editedSrc, EDITED)
        const fresh = shape(t.theirs(["-e", "--age", recipient, flag, value, editedSrc]).out)
        const steps: [string, string[], Record<string, string>][] = [
          ["set", ["set", "F", '["a"]', '"vnew"'], {}],
          ["set", ["set", "F", '["m"]["d"]', "8"], {}],
        ]
        for (const how of ["set", "edit", "rotate"] as const) {
          const file = join(t.dir, `round-${writer}-${how}.yaml`)
          const sealed = write(["-e", "--age", recipient, flag, value, src])
          expect(sealed.code, sealed.err).toBe(0)
          writeFileSync(file, sealed.out)
          if (how === "set") {
            for (const [, args] of steps) {
              const r = write(
                args.map((a) => (a === "F" ? file : a)),
                { env: env() },
              )
              expect(r.code, r.err).toBe(0)
            }
          } else if (how === "edit") {
            const r = write(["edit", file], { env: { ...env(), EDITOR: editor } })
            expect(r.code, r.err).toBe(0)
          } else {
            for (const [, args] of steps)
              write(
                args.map((a) => (a === "F" ? file : a)),
                { env: env() },
              )
            const r = write(["rotate", "-i", file], { env: env() })
            expect(r.code, r.err).toBe(0)
          }
          const text = readFileSync(file, "utf8")
          // `set` takes its value as JSON and JSON numbers are floats: both tools then seal 8 as
          // type float, where a fresh seal of "d: 8" says int (it opens as 8 either way).
          expect(shape(text), how).toBe(
            how === "edit" ? fresh : fresh.replace("d: ENC[int:", "d: ENC[float:"),
          )
          const opened = read(["decrypt", file], { env: env() })
          expect([how, opened.code, opened.out]).toEqual([how, 0, EDITED])
        }
      })
    }
  }
})
