import { createDecipheriv } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { armor, Decrypter } from "age-encryption"
import fc from "fast-check"
import { parse as parseYaml } from "yaml"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"
import { doc, mismatch, render, RULES } from "../helpers/selection-oracle.js"

// Issue 8: the selection rules checked by *what is sealed*, not by round trips. Random YAML
// documents with comments go through `sealbridge encrypt` with each of the six rules (and the
// default), with and without --mac-only-encrypted. An oracle written here from the sops format
// (spec §4: path components, the comment stack; §5: the MAC), not the implementation's predicate,
// says for every line whether it is sealed; the output must match line for line. The MAC is
// recomputed from the plaintext and compared with the file's, opened with the data key that
// age-encryption unwraps, so --mac-only-encrypted is checked by what it covers.
const tmp = tempDir("sealbridge-selection-")
afterAll(tmp.cleanup)
let recipient = ""
let identity = ""
let keyFile = ""
beforeAll(async () => {
  keyFile = join(tmp.path, "keys.txt")
  recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
  identity = /^AGE-SECRET-KEY-1\S+$/m.exec(readFileSync(keyFile, "utf8"))?.[0] ?? ""
})

async function macOf(text: string): Promise<string> {
  const meta = (parseYaml(text) as { sops: { age: { enc: string }[]; lastmodified: string; mac: string } })
    .sops
  const d = new Decrypter()
  d.addIdentity(identity)
  const key = await d.decrypt(armor.decode(meta.age[0]?.enc ?? ""))
  const m = /data:([^,]*),iv:([^,]*),tag:([^,]*)/.exec(meta.mac)
  const c = createDecipheriv("aes-256-gcm", key, Buffer.from(m?.[2] ?? "", "base64"))
  c.setAAD(Buffer.from(meta.lastmodified))
  c.setAuthTag(Buffer.from(m?.[3] ?? "", "base64"))
  return Buffer.concat([c.update(Buffer.from(m?.[1] ?? "", "base64")), c.final()]).toString()
}

const runs = Number(process.env["PROPERTY_RUNS"] ?? 25)

describe("selection rules by what is sealed (independent oracle, YAML with comments)", () => {
  for (const { flag, rule } of RULES) {
    const name = rule === null ? "no rule (default _unencrypted suffix)" : `${rule.kind} ${rule.value}`
    it(`${name}: exactly the lines the oracle names are ENC[…], the MAC covers what it should`, async () => {
      let n = 0
      await fc.assert(
        fc.asyncProperty(doc, fc.boolean(), async (d, macOnly) => {
          const { lines, mac } = render(d, rule, macOnly)
          const plain = lines.map((l) => l.text).join("\n") + "\n"
          const file = join(tmp.path, `doc-${String(n++)}.yaml`)
          writeFileSync(file, plain)
          const args = ["encrypt", "--age", recipient, ...(rule === null ? [] : [flag, rule.value])]
          const r = await runCli([...args, ...(macOnly ? ["--mac-only-encrypted"] : []), file])
          expect(r.code, r.stderr).toBe(0)
          expect(mismatch(lines, r.stdout), plain).toBe("")
          const out = r.stdout.split("\n")
          const meta = out.slice(out.indexOf("sops:")).join("\n")
          if (macOnly) expect(meta).toContain("    mac_only_encrypted: true\n")
          else expect(meta).not.toContain("mac_only_encrypted")
          expect(await macOf(r.stdout)).toBe(mac)
          // And it opens to the same text.
          writeFileSync(file, r.stdout)
          const back = await runCli(["decrypt", file], { env: { SOPS_AGE_KEY_FILE: keyFile } })
          expect([back.code, back.stdout]).toEqual([0, plain])
        }),
        { numRuns: runs },
      )
    })
  }
})
