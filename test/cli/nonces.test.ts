import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// GCM nonces through the real CLI I/O (the pooled random source): every IV in a sealed file is
// its own, files never share one, and `set` gives a fresh IV only to the value it changes.
const tmp = tempDir()
afterAll(tmp.cleanup)
let env: Record<string, string> = {}
let recipient = ""

const IV = /ENC\[AES256_GCM,data:[^,]*,iv:([^,]*),tag:[^,]*,type:[a-z]+\]/g
const ivs = (text: string): string[] => [...text.matchAll(IV)].map((m) => m[1] ?? "")
/** IV of each value line (`key: ENC[…]`), by key. */
const ivByKey = (text: string): Map<string, string> =>
  new Map(
    [...text.matchAll(/^(\w+): ENC\[AES256_GCM,data:[^,]*,iv:([^,]*),/gm)].map((m) => [
      m[1] ?? "",
      m[2] ?? "",
    ]),
  )

const plain = [
  "# first comment",
  ...Array.from({ length: 60 }, (_, i) => `k${String(i)}: value-${String(i)}-secret`),
  "# last comment",
  "list:",
  "    - one",
  "    - one",
  "",
].join("\n")

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
  env = { SOPS_AGE_KEY_FILE: keyFile }
  writeFileSync(join(tmp.path, "n.yaml"), plain)
})

async function seal(): Promise<string> {
  const r = await runCli(["encrypt", "--age", recipient, join(tmp.path, "n.yaml")])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

describe("nonces", () => {
  it("every IV in a file (values, comments, equal values, MAC) is distinct, and none repeats across files", async () => {
    const a = await seal()
    const b = await seal()
    // 60 values + 2 comments + 2 list items + the MAC.
    expect(ivs(a)).toHaveLength(65)
    expect(new Set(ivs(a)).size).toBe(65)
    expect(new Set([...ivs(a), ...ivs(b)]).size).toBe(130)
    for (const iv of ivs(a)) expect(Buffer.from(iv, "base64").some((x) => x !== 0)).toBe(true)
  })

  it("set: the changed value gets a fresh IV, the others keep theirs", async () => {
    const file = join(tmp.path, "s.yaml")
    writeFileSync(file, await seal())
    const before = ivByKey(readFileSync(file, "utf8"))
    const r = await runCli(["set", file, '["k7"]', '"changed-secret"'], { env })
    expect(r.code, r.stderr).toBe(0)
    const after = ivByKey(readFileSync(file, "utf8"))
    expect(after.size).toBe(60)
    for (const [key, iv] of before) {
      if (key === "k7") expect(after.get(key)).not.toBe(iv)
      else expect(after.get(key), key).toBe(iv)
    }
    // Distinct everywhere but in one place, as with sops 3.13: its IV stash is keyed by plaintext
    // and AAD, and list items share their parent's AAD, so the two equal "- one" items come back
    // with one IV (identical ciphertext: it reveals they are equal, which a fresh seal hides).
    const text = readFileSync(file, "utf8")
    const items = [...text.matchAll(/^ {4}- ENC\[AES256_GCM,data:[^,]*,iv:([^,]*),/gm)].map((m) => m[1])
    expect(items).toHaveLength(2)
    expect(items[0]).toBe(items[1])
    const all = ivs(text)
    expect(all).toHaveLength(65)
    expect(new Set(all).size).toBe(64)
  })
})
