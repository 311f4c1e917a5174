import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { armor, Decrypter } from "age-encryption"
import { parse as parseYaml } from "yaml"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sopsTwins } from "./sops-twins.js"

// Issue 8: `rotate` yields a new data key for files the real sops made, and sops opens the result
// (and the other way round). The data key is unwrapped with age-encryption's Decrypter, not with
// sealbridge's own code; no value's data, IV or tag survives a rotation.
const t = sopsTwins("sealbridge-rotate-interop-")
afterAll(t.cleanup)
const keyFile = join(t.dir, "keys.txt")
let recipient = ""
let identity = ""
const env = () => ({ SOPS_AGE_KEY_FILE: keyFile })

beforeAll(() => {
  if (t.sops.skip) return
  recipient = t.ours(["keygen", "-o", keyFile]).out.trim()
  identity = /^AGE-SECRET-KEY-1\S+$/m.exec(readFileSync(keyFile, "utf8"))?.[0] ?? ""
})

async function dataKey(text: string): Promise<string> {
  const enc = (parseYaml(text) as { sops: { age: { enc: string }[] } }).sops.age[0]?.enc ?? ""
  const d = new Decrypter()
  d.addIdentity(identity)
  return Buffer.from(await d.decrypt(armor.decode(enc))).toString("hex")
}

const fields = (text: string, which: 1 | 2 | 3): string[] =>
  [...text.matchAll(/ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),type:[a-z]+\]/g)].map(
    (m) => m[which] ?? "",
  )

const PLAIN: Record<string, string> = {
  // No comment inside a list: sops 3.13.2 seals one as a list item and then fails its own MAC (51).
  "c.yaml": "# top comment\na: alpha-secret\n# about b\nb:\n  - one\n  - one\nc: same # inline\nd: same\n",
  "c.json": '{\n\t"a": "alpha-secret",\n\t"b": [\n\t\t"one",\n\t\t"one"\n\t],\n\t"n": 42\n}\n',
}

describe.skipIf(t.sops.skip)("rotate across sops and sealbridge: a new data key each time", () => {
  for (const [name, plain] of Object.entries(PLAIN)) {
    for (const [maker, rotator] of [
      ["sops", "sealbridge"],
      ["sealbridge", "sops"],
    ] as const) {
      it(`${name}: ${maker} seals, ${rotator} rotates -i; new data key, new ciphertext everywhere, both open it alike`, async () => {
        const src = join(t.dir, `${maker}-${name}`)
        writeFileSync(src, plain)
        const make = maker === "sops" ? t.theirs : t.ours
        const rot = rotator === "sops" ? t.theirs : t.ours
        const sealed = make(["encrypt", "--age", recipient, src], { env: env() })
        expect(sealed.code, sealed.err).toBe(0)
        const file = join(t.dir, `${maker}-sealed-${name}`)
        writeFileSync(file, sealed.outBytes)
        const openedBefore = t.theirs(["decrypt", file], { env: env() })
        expect(openedBefore.code).toBe(0)

        const r = rot(["rotate", "-i", file], { env: env() })
        expect(r.code, r.err).toBe(0)
        const after = readFileSync(file, "utf8")
        expect(await dataKey(after)).not.toBe(await dataKey(sealed.out))
        expect(fields(after, 1).length).toBe(fields(sealed.out, 1).length)
        for (const which of [1, 3] as const) {
          const old = new Set(fields(sealed.out, which))
          expect(fields(after, which).filter((f) => old.has(f))).toEqual([])
        }
        // IVs: sealbridge draws new ones; sops 3.13 keeps each value's IV (its cipher stashes the
        // IVs it decrypted with) — under a new key, so no (key, IV) pair repeats.
        const oldIvs = new Set(fields(sealed.out, 2))
        const kept = fields(after, 2).filter((f) => oldIvs.has(f))
        if (rotator === "sealbridge") expect(kept).toEqual([])
        else expect(kept.length).toBeGreaterThan(0)
        for (const tool of [t.ours, t.theirs]) {
          const opened = tool(["decrypt", file], { env: env() })
          expect([opened.code, opened.out]).toEqual([0, openedBefore.out])
        }
      })
    }
  }
})
