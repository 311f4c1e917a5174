import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { canDropPrivileges, giveToRunner, NOBODY, runBuilt } from "../../helpers/built-cli.js"
import { newAgeKey } from "../../helpers/age-setup.js"
import { tempDir } from "../../helpers/cli-io.js"

// Defect 3: file permissions as sops honours them. sops opens the file for writing and so is
// refused (exit 3) by a read-only file or another user's file; it writes a writable file in a
// read-only directory. Root ignores modes, so when the suite runs as root these runs drop to
// `nobody` (setpriv).
const tmp = tempDir()
afterAll(() => {
  chmodSync(join(tmp.path, "rodir"), 0o755)
  tmp.cleanup()
})
let key: Awaited<ReturnType<typeof newAgeKey>>
const isRoot = process.getuid?.() === 0

beforeAll(async () => {
  chmodSync(tmp.path, 0o755)
  key = await newAgeKey(tmp.path)
  giveToRunner(key.keyFile)
  giveToRunner(tmp.path)
})

function plainFile(name: string, mode: number, mine = true): string {
  const p = join(tmp.path, name)
  writeFileSync(p, "a: alpha-plain\n")
  if (mine) giveToRunner(p)
  chmodSync(p, mode)
  return p
}

const unprivileged = { unprivileged: true, env: { SOPS_AGE_KEY_FILE: "" } }

describe("permissions", () => {
  it("environment can run the CLI as an unprivileged user", () => {
    expect(canDropPrivileges).toBe(true)
  })

  it("encrypt -i on a read-only (0444) file exits 3 and leaves it untouched", async () => {
    const p = plainFile("ro.yaml", 0o444)
    const r = await runBuilt(["encrypt", "-i", "--age", key.recipient, p], unprivileged)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain("ro.yaml: could not open in-place file for writing (permission denied)")
    expect(r.stderr).toMatch(/^hint: /m)
    expect(readFileSync(p, "utf8")).toBe("a: alpha-plain\n")
    expect(statSync(p).mode & 0o7777).toBe(0o444)
    expect(readdirSync(tmp.path).filter((n) => n.includes("sealbridge-tmp"))).toEqual([])
  })

  it("encrypt -i on another user's file in a writable directory exits 3; owner unchanged", async () => {
    if (!isRoot) return expect(isRoot).toBe(false) // only root can make a file owned by someone else
    const p = plainFile("theirs.yaml", 0o644, false) // owned by root, the runner is nobody
    const r = await runBuilt(["encrypt", "-i", "--age", key.recipient, p], unprivileged)
    expect(r.code).toBe(3)
    expect(statSync(p).uid).toBe(0)
    expect(readFileSync(p, "utf8")).toBe("a: alpha-plain\n")
  })

  it("set, unset, edit and rotate -i on a read-only sealed file exit 3 before anything else", async () => {
    const p = plainFile("ro-sealed.yaml", 0o644)
    expect((await runBuilt(["encrypt", "-i", "--age", key.recipient, p], unprivileged)).code).toBe(0)
    chmodSync(p, 0o444)
    const before = readFileSync(p, "utf8")
    const env = { ...unprivileged, env: { SOPS_AGE_KEY_FILE: key.keyFile, EDITOR: "true" } }
    for (const args of [
      ["set", p, '["a"]', '"x"'],
      ["unset", p, '["a"]'],
      ["edit", p],
      ["rotate", "-i", p],
    ]) {
      const r = await runBuilt(args, env)
      expect(r.code, args[0]).toBe(3)
    }
    expect(readFileSync(p, "utf8")).toBe(before)
  })

  it("encrypt -i keeps the file's mode, owner and group", async () => {
    const p = plainFile("mode.yaml", 0o640)
    const r = await runBuilt(["encrypt", "-i", "--age", key.recipient, p], unprivileged)
    expect(r.code).toBe(0)
    const st = statSync(p)
    expect(st.mode & 0o7777).toBe(0o640)
    if (isRoot) expect([st.uid, st.gid]).toEqual([NOBODY.uid, NOBODY.gid])
    expect(readFileSync(p, "utf8")).toMatch(/^a: ENC\[/)
  })

  it("root keeps another user's owner and group when sealing their file in place", async () => {
    if (!isRoot) return expect(isRoot).toBe(false)
    const p = plainFile("owned.yaml", 0o600)
    const r = await runBuilt(["encrypt", "-i", "--age", key.recipient, p])
    expect(r.code).toBe(0)
    const st = statSync(p)
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([NOBODY.uid, NOBODY.gid, 0o600])
  })

  it("a writable file in a read-only directory is sealed and opened in place (no temp file possible)", async () => {
    const dir = join(tmp.path, "rodir")
    mkdirSync(dir)
    giveToRunner(dir)
    const p = join(dir, "w.yaml")
    writeFileSync(p, "a: alpha-plain\nb: beta-plain\n")
    giveToRunner(p, 0o640)
    chmodSync(dir, 0o555)
    const env = { ...unprivileged, env: { SOPS_AGE_KEY_FILE: key.keyFile } }
    const enc = await runBuilt(["encrypt", "-i", "--age", key.recipient, p], env)
    expect(enc.code).toBe(0)
    expect(readFileSync(p, "utf8")).toMatch(/^a: ENC\[AES256_GCM/)
    expect(statSync(p).mode & 0o7777).toBe(0o640)
    const dec = await runBuilt(["decrypt", "-i", p], env)
    expect(dec.code).toBe(0)
    expect(readFileSync(p, "utf8")).toBe("a: alpha-plain\nb: beta-plain\n")
    expect(statSync(p).mode & 0o7777).toBe(0o600) // plaintext is private, even in place
    expect(readdirSync(dir)).toEqual(["w.yaml"])
  })
})
