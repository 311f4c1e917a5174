import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Tampering with a sealed file never yields plaintext and never writes an output file.
// sops 3.13 exits 25 ("error decrypting tree") when a value's GCM tag fails — flipped bytes or a
// value moved to another key — and 51 when the MAC is edited; we return the same codes.
const tmp = tempDir()
afterAll(tmp.cleanup)
let env: Record<string, string> = {}
const sealed: Record<string, string> = {}

const plains = {
  "t.yaml": "a: alpha-secret\nb:\n    c: 42\n    d:\n        - x-secret\n        - y-secret\ne: true\n",
  "t.json": '{\n\t"a": "alpha-secret",\n\t"b": {\n\t\t"c": 42\n\t},\n\t"e": 1.5\n}\n',
  "t.env": "A=alpha-secret\nB=beta-secret\n",
  "t.ini": "[s]\na = alpha-secret\nb = beta-secret\n",
} as const

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  const recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
  env = { SOPS_AGE_KEY_FILE: keyFile }
  for (const [name, text] of Object.entries(plains)) {
    const p = join(tmp.path, name)
    writeFileSync(p, text)
    const r = await runCli(["encrypt", "--age", recipient, p])
    expect(r.code).toBe(0)
    sealed[name] = r.stdout
  }
})

const ENVELOPE = /ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),type:[a-z]+\]/g

async function decryptTampered(
  name: string,
  text: string,
): Promise<{ code: number; stdout: string; wrote: boolean }> {
  const file = join(tmp.path, `tampered-${name}`)
  writeFileSync(file, text)
  const out = join(tmp.path, `out-${name}`)
  const r = await runCli(["decrypt", "--output", out, file], { env })
  const wrote = existsSync(out)
  return { code: r.code, stdout: r.stdout, wrote }
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/** Flips the top bit of one base64 digit, which always changes a decoded bit (padding bits never). */
function flipBase64Char(s: string, at: number): string {
  const i = B64.indexOf(s[at] ?? "A")
  return s.slice(0, at) + (B64[i ^ 32] ?? "A") + s.slice(at + 1)
}

describe("tampered sealed files", () => {
  for (const name of Object.keys(plains)) {
    it(`${name}: flipping any byte of any sealed value gives exit 25 (51 for the MAC) and writes nothing`, async () => {
      const text = sealed[name] ?? ""
      const envelopes = [...text.matchAll(ENVELOPE)]
      expect(envelopes.length).toBeGreaterThan(2)
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.constantFrom(1, 2, 3), fc.nat(), async (which, part, pos) => {
          const m = envelopes[which % envelopes.length]
          if (m === undefined || m.index === undefined) return
          const fields = [m[1] ?? "", m[2] ?? "", m[3] ?? ""]
          const field = fields[part - 1] ?? ""
          // Only flip digits that carry bits ('=' padding does not); the envelope stays parseable.
          const usable = field.replace(/=+$/, "").length
          if (usable === 0) return
          fields[part - 1] = flipBase64Char(field, pos % usable)
          const type = /type:([a-z]+)\]$/.exec(m[0])?.[1] ?? ""
          const envelope = `ENC[AES256_GCM,data:${fields[0]},iv:${fields[1]},tag:${fields[2]},type:${type}]`
          const tampered = text.slice(0, m.index) + envelope + text.slice(m.index + m[0].length)
          if (tampered === text) return
          const r = await decryptTampered(name, tampered)
          const isMac = text.slice(Math.max(0, m.index - 40), m.index).match(/mac["]?\s*[:=]\s*"?$/) !== null
          expect(r.code).toBe(isMac ? 51 : 25)
          expect(r.stdout).toBe("")
          expect(r.wrote).toBe(false)
        }),
        { numRuns: 25 },
      )
    })
  }

  it("moving a sealed value to another key gives exit 25 and writes nothing", async () => {
    const text = sealed["t.env"] ?? ""
    const a = /^A=(.*)$/m.exec(text)?.[1] ?? ""
    const b = /^B=(.*)$/m.exec(text)?.[1] ?? ""
    const swapped = text.replace(`A=${a}`, "A=__A__").replace(`B=${b}`, `B=${a}`).replace("A=__A__", `A=${b}`)
    expect(swapped).not.toBe(text)
    const r = await decryptTampered("swap.env", swapped)
    expect(r.code).toBe(25)
    expect(r.wrote).toBe(false)
  })

  it("removing the MAC gives exit 51 unless --ignore-mac is passed", async () => {
    const text = (sealed["t.yaml"] ?? "").replace(/^ {4}mac: .*$/m, '    mac: ""')
    const r = await decryptTampered("nomac.yaml", text)
    expect(r.code).toBe(51)
    expect(r.wrote).toBe(false)
    const file = join(tmp.path, "nomac2.yaml")
    writeFileSync(file, text)
    const ignored = await runCli(["decrypt", "--ignore-mac", file], { env })
    expect(ignored.code).toBe(0)
    expect(ignored.stdout).toBe(plains["t.yaml"])
  })
})
