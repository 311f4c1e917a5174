import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Issue 8: tampering that only the MAC can see. Unencrypted values (the `_unencrypted` suffix)
// are in clear and carry no GCM tag, and key order is not in any value's AAD: editing, adding,
// deleting or reordering them, or pairing the file with an older MAC sealed under the same data
// key, must exit 51 with nothing on stdout and no output file. --ignore-mac opens each tampered
// file (exit 0), which shows the MAC is what catches it.
const tmp = tempDir()
afterAll(tmp.cleanup)
let env: Record<string, string> = {}

const plains: Record<string, string> = {
  "m.yaml": "a: alpha-secret\nport_unencrypted: 5432\nhost_unencrypted: db.local\nz: zeta-secret\n",
  "m.json":
    '{\n\t"a": "alpha-secret",\n\t"port_unencrypted": 5432,\n\t"host_unencrypted": "db.local",\n\t"z": "zeta-secret"\n}\n',
  "m.env": "A=alpha-secret\nport_unencrypted=5432\nhost_unencrypted=db.local\nZ=zeta-secret\n",
  "m.ini": "[s]\na = alpha-secret\nport_unencrypted = 5432\nhost_unencrypted = db.local\nz = zeta-secret\n",
}
const sealed: Record<string, string> = {}

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  const recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
  env = { SOPS_AGE_KEY_FILE: keyFile }
  for (const [name, text] of Object.entries(plains)) {
    const p = join(tmp.path, name)
    writeFileSync(p, text)
    const r = await runCli(["encrypt", "--age", recipient, p])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("5432")
    sealed[name] = r.stdout
  }
})

const lineWith = (lines: string[], word: string): number => {
  const i = lines.findIndex((l) => l.includes(word))
  expect(i, word).toBeGreaterThan(-1)
  return i
}

/** One tampering: a function of the sealed text that leaves every ENC[…] value intact. */
const edits: Record<string, (text: string) => string> = {
  "edit an unencrypted value": (t) => t.replace("5432", "5433"),
  "delete an unencrypted key": (t) => {
    const lines = t.split("\n")
    lines.splice(lineWith(lines, "host_unencrypted"), 1)
    return lines.join("\n")
  },
  "add an unencrypted key": (t) => {
    const lines = t.split("\n")
    const i = lineWith(lines, "host_unencrypted")
    lines.splice(i + 1, 0, (lines[i] ?? "").replace("host_unencrypted", "new_unencrypted"))
    return lines.join("\n")
  },
  "reorder two keys": (t) => {
    const lines = t.split("\n")
    const i = lineWith(lines, "port_unencrypted")
    const j = lineWith(lines, "host_unencrypted")
    ;[lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""]
    return lines.join("\n")
  },
}

async function decrypt(name: string, text: string, extra: string[] = []) {
  const file = join(tmp.path, `tampered-${name}`)
  writeFileSync(file, text)
  const out = join(tmp.path, `out-${String(Math.random()).slice(2)}-${name}`)
  const r = await runCli(["decrypt", ...extra, "--output", out, file], { env })
  return { ...r, wrote: existsSync(out), out }
}

const MAC = /(mac["']?\s*[:=]\s*"?)(ENC\[[^\]]*\])/
const LASTMODIFIED = /(lastmodified["']?\s*[:=]\s*"?)([0-9TZ:.+-]+)/

describe("MAC-only tampering, every format", () => {
  for (const name of Object.keys(plains)) {
    for (const [what, edit] of Object.entries(edits)) {
      it(`${name}: ${what} → exit 51, empty stdout, no file written`, async () => {
        const text = edit(sealed[name] ?? "")
        expect(text).not.toBe(sealed[name])
        const r = await decrypt(name, text)
        expect(r.code, r.stderr).toBe(51)
        expect(r.stdout).toBe("")
        expect(r.wrote).toBe(false)
        const ignored = await decrypt(name, text, ["--ignore-mac"])
        expect(ignored.code, ignored.stderr).toBe(0)
        expect(readFileSync(ignored.out, "utf8")).toContain("alpha-secret")
      })
    }

    it(`${name}: a MAC transplanted from an earlier version under the same data key → exit 51`, async () => {
      const file = join(tmp.path, `set-${name}`)
      const before = sealed[name] ?? ""
      writeFileSync(file, before)
      const key = name.endsWith(".env") ? '["A"]' : name.endsWith(".ini") ? '["s"]["a"]' : '["a"]'
      const set = await runCli(["set", file, key, '"changed-secret"'], { env })
      expect(set.code, set.stderr).toBe(0)
      const after = readFileSync(file, "utf8")
      const oldMac = MAC.exec(before)?.[2]
      const oldTime = LASTMODIFIED.exec(before)?.[2]
      expect(oldMac).toMatch(/^ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/)
      expect(oldTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      // The MAC is sealed with lastmodified as AAD: move both, so the MAC opens and only the
      // digest comparison can fail.
      const transplanted = after
        .replace(MAC, (_m, p: string) => `${p}${oldMac ?? ""}`)
        .replace(LASTMODIFIED, (_m, p: string) => `${p}${oldTime ?? ""}`)
      expect(transplanted).not.toBe(after)
      const r = await decrypt(name, transplanted)
      expect(r.code, r.stderr).toBe(51)
      expect(r.stdout).toBe("")
      expect(r.wrote).toBe(false)
      const ignored = await decrypt(name, transplanted, ["--ignore-mac"])
      expect(ignored.code, ignored.stderr).toBe(0)
      expect(readFileSync(ignored.out, "utf8")).toContain("changed-secret")
    })
  }
})
