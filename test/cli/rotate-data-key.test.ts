import { createDecipheriv } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { armor, Decrypter } from "age-encryption"
import { parse as parseYaml } from "yaml"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Issue 8: `rotate` yields a new data key. Checked with oracles independent of sealbridge's own
// key code: the data key is unwrapped with age-encryption's Decrypter from each recipient's
// `enc` block, and a value is opened with node:crypto's AES-256-GCM under sops' AAD (the tree
// path joined by ":" plus a trailing ":"). Unchanged values must get new ciphertext and IVs.
const tmp = tempDir("sealbridge-rotate-key-")
afterAll(tmp.cleanup)
const ids: { file: string; identity: string; recipient: string }[] = []

beforeAll(async () => {
  for (const name of ["a", "b"]) {
    const file = join(tmp.path, `${name}.txt`)
    const recipient = (await runCli(["keygen", "-o", file])).stdout.trim()
    const identity = /^AGE-SECRET-KEY-1\S+$/m.exec(readFileSync(file, "utf8"))?.[0] ?? ""
    expect(identity).toMatch(/^AGE-SECRET-KEY-1/)
    ids.push({ file, identity, recipient })
  }
})
const id = (i: number) => ids[i] ?? { file: "", identity: "", recipient: "" }

/** The armored age blocks of a sealed file, in recipient order, whatever its format. */
function encBlocks(name: string, text: string): string[] {
  if (name.endsWith(".env") || name.endsWith(".ini")) {
    const re = /^(?:sops_)?age__list_(\d+)__map_enc\s*=\s*(.*)$/gm
    return [...text.matchAll(re)].map((m) => (m[2] ?? "").replace(/\\n/g, "\n"))
  }
  const doc = parseYaml(text) as { sops: { age: { enc: string }[] } }
  return doc.sops.age.map((a) => a.enc)
}

async function unwrap(enc: string, identity: string): Promise<Uint8Array> {
  const d = new Decrypter()
  d.addIdentity(identity)
  return d.decrypt(armor.decode(enc))
}

/** Every ENC[…] envelope of a file: its data, iv and tag (the MAC's too). */
const envelopes = (text: string): { data: string; iv: string; tag: string }[] =>
  [...text.matchAll(/ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),type:[a-z]+\]/g)].map((m) => ({
    data: m[1] ?? "",
    iv: m[2] ?? "",
    tag: m[3] ?? "",
  }))

/** Opens one sealed value as sops does: AES-256-GCM, 32-byte IV, AAD = path + ":". */
function openValue(envelope: string, key: Uint8Array, aad: string): string {
  const m = /data:([^,]*),iv:([^,]*),tag:([^,]*)/.exec(envelope)
  const d = createDecipheriv("aes-256-gcm", key, Buffer.from(m?.[2] ?? "", "base64"))
  d.setAAD(Buffer.from(aad))
  d.setAuthTag(Buffer.from(m?.[3] ?? "", "base64"))
  return Buffer.concat([d.update(Buffer.from(m?.[1] ?? "", "base64")), d.final()]).toString()
}

const plains: Record<string, { text: string; first: RegExp; aad: string; value: string }> = {
  "r.yaml": { text: "x: one\ny: one\nz: two\n", first: /^x: (ENC\[[^\]]*\])/m, aad: "x:", value: "one" },
  "r.json": { text: '{"x": "one", "y": "one"}\n', first: /"x": "(ENC\[[^\]]*\])"/, aad: "x:", value: "one" },
  "r.env": { text: "X=one\nY=one\n", first: /^X=(ENC\[[^\]]*\])/m, aad: "X:", value: "one" },
  "r.ini": { text: "[s]\nx = one\ny = one\n", first: /^x\s*=\s*(ENC\[[^\]]*\])/m, aad: "s:x:", value: "one" },
  "r.bin": {
    text: "raw bytes one\n",
    first: /"data": "(ENC\[[^\]]*\])"/,
    aad: "data:",
    value: "raw bytes one\n",
  },
}

describe("rotate: a new data key, new ciphertext for unchanged values", () => {
  for (const [name, c] of Object.entries(plains)) {
    it(`${name}: rotate -i, and rotate -i --add-age, each unwrap to a new 32-byte data key that opens the values`, async () => {
      const plain = join(tmp.path, name)
      writeFileSync(plain, c.text)
      const file = join(tmp.path, `sealed-${name}`)
      const enc = await runCli(["encrypt", "--age", id(0).recipient, "--output", file, plain])
      expect(enc.code, enc.stderr).toBe(0)
      const env = { SOPS_AGE_KEY_FILE: id(0).file }
      const original = await runCli(["decrypt", file], { env })
      expect(original.code).toBe(0)
      expect(original.stdout).toContain(c.value.trim())
      const keysSeen: string[] = []
      let before = readFileSync(file, "utf8")
      for (const extra of [[], ["--add-age", id(1).recipient]]) {
        const [blockBefore] = encBlocks(name, before)
        const keyBefore = await unwrap(blockBefore ?? "", id(0).identity)
        expect(keyBefore.length).toBe(32)
        keysSeen.push(Buffer.from(keyBefore).toString("hex"))
        const r = await runCli(["rotate", "-i", ...extra, file], { env })
        expect([r.code, r.stderr]).toEqual([0, ""])
        const after = readFileSync(file, "utf8")
        const blocks = encBlocks(name, after)
        expect(blocks.length).toBe(extra.length === 0 ? 1 : 2)
        const keyAfter = await unwrap(blocks[0] ?? "", id(0).identity)
        expect(keyAfter.length).toBe(32)
        expect(Buffer.from(keyAfter).toString("hex")).not.toBe(Buffer.from(keyBefore).toString("hex"))
        // Every recipient's stanza wraps the same new key.
        if (blocks[1] !== undefined) expect(await unwrap(blocks[1], id(1).identity)).toEqual(keyAfter)
        // The values (and the MAC) are sealed again: no data, IV or tag survives the rotation.
        const was = envelopes(before)
        const now = envelopes(after)
        expect(now.length).toBe(was.length)
        for (const field of ["data", "iv", "tag"] as const) {
          const old = new Set(was.map((e) => e[field]))
          expect(now.filter((e) => old.has(e[field]))).toEqual([])
        }
        // The new key opens a value under its path; the old key no longer does.
        const first = c.first.exec(after)?.[1] ?? ""
        expect(openValue(first, keyAfter, c.aad)).toBe(c.value)
        expect(() => openValue(first, keyBefore, c.aad)).toThrow()
        const opened = await runCli(["decrypt", file], { env })
        expect([opened.code, opened.stdout]).toEqual([0, original.stdout])
        before = after
      }
      expect(new Set(keysSeen).size).toBe(2)
    })
  }
})
