import { spawnSync } from "node:child_process"
import { chmodSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { requireBinary } from "./peers.js"
import { cliPath, exec, hasStack, workDir } from "./tools.js"

// PGP master keys through Debian's gpg with a throwaway key in a temporary GNUPGHOME, and sops.
const gpg = requireBinary("GPG_BIN", "gpg")
const sops = requireBinary("SOPS_BIN", "sops")
const dir = workDir("sbpgp-")
const home = join(dir.path, "g")
afterAll(() => {
  spawnSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: home } })
  dir.cleanup()
})

let fp = ""
const env = (): Record<string, string> => ({ HOME: dir.path, GNUPGHOME: home })
const ours = (args: string[], extra: Record<string, string> = {}) =>
  exec(process.execPath, [cliPath, ...args], { ...env(), ...extra })
const theirs = (args: string[], extra: Record<string, string> = {}) =>
  exec(sops.path, args, { ...env(), ...extra })
const plain = join(dir.path, "app.yaml")
const text = "db:\n    password: hunter2\n"
const save = (name: string, content: string): string => {
  const p = join(dir.path, name)
  writeFileSync(p, content)
  return p
}

beforeAll(() => {
  if (gpg.skip) return
  mkdirSync(home)
  chmodSync(home, 0o700)
  const g = (args: string[]) =>
    spawnSync(gpg.path, ["--batch", ...args], { env: { ...process.env, GNUPGHOME: home } })
  const made = g([
    "--passphrase",
    "",
    "--quick-gen-key",
    "sealbridge test <sb@test.invalid>",
    "future-default",
    "default",
    "never",
  ])
  if (made.status !== 0) throw new Error(`gpg key generation failed: ${made.stderr.toString()}`)
  const list = g(["--list-keys", "--with-colons"]).stdout.toString()
  fp = /^fpr:+([0-9A-F]{40}):/m.exec(list)?.[1] ?? ""
  writeFileSync(plain, text)
})

describe.skipIf(gpg.skip)("PGP keys through gpg", () => {
  it("should seal with --pgp, store the armored key as sops does, and open it", () => {
    const r = ours(["encrypt", "--pgp", fp, plain])
    expect(r.err).toBe("")
    expect(r.out).toContain(`    pgp:\n        - created_at: "`)
    expect(r.out).toContain(`          enc: |-\n            -----BEGIN PGP MESSAGE-----\n`)
    expect(r.out).toContain(`          fp: ${fp}\n`)
    expect(ours(["decrypt", save("ours.yaml", r.out)]).out).toBe(text)
  })

  it("should take SOPS_PGP_FP, pgp in a rule and SOPS_GPG_EXEC", () => {
    expect(ours(["encrypt", plain], { SOPS_PGP_FP: fp }).out).toContain(`fp: ${fp}`)
    const cfg = save(".sops.yaml", `creation_rules:\n  - pgp: ${fp}\n`)
    const r = ours(["encrypt", "--config", cfg, plain])
    expect(r.out).toContain(`fp: ${fp}`)
    const file = save("rule.yaml", r.out)
    const missing = ours(["decrypt", file], { SOPS_GPG_EXEC: join(dir.path, "no-such-gpg") })
    expect(missing.code).toBe(128)
    expect(missing.err).toContain(`pgp ${fp}: failed (`)
    expect(missing.err).toContain("no-such-gpg not found")
    expect(ours(["decrypt", file], { SOPS_GPG_EXEC: gpg.path }).out).toBe(text)
  })

  it("should say no credentials, exit 128, when the keyring lacks the secret key", () => {
    const file = save("nokey.yaml", ours(["encrypt", "--pgp", fp, plain]).out)
    const empty = join(dir.path, "empty")
    mkdirSync(empty, { mode: 0o700 })
    const r = ours(["decrypt", file], { GNUPGHOME: empty })
    spawnSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: empty } })
    expect(r.code).toBe(128)
    expect(r.err).toContain(`pgp ${fp}: no credentials`)
    expect(hasStack(r.err)).toBe(false)
  })
})

describe.skipIf(gpg.skip || sops.skip)("PGP interop with sops 3.13", () => {
  it("should open each other's files", () => {
    const mine = save("mine.yaml", ours(["encrypt", "--pgp", fp, plain]).out)
    const opened = theirs(["decrypt", mine])
    expect(opened.err).toBe("")
    expect(opened.out).toBe(text)
    const r = theirs(["encrypt", "--pgp", fp, plain])
    expect(r.code).toBe(0)
    expect(ours(["decrypt", save("theirs.yaml", r.out)]).out).toBe(text)
  })

  it("should treat a file without MAC and --ignore-mac as sops does", () => {
    const r = theirs(["encrypt", "--pgp", fp, plain])
    const noMac = save("nomac.yaml", r.out.replace(/^ {4}mac: .*\n/m, ""))
    const a = ours(["decrypt", noMac])
    const b = theirs(["decrypt", noMac])
    expect([a.code, b.code]).toEqual([51, 51])
    expect(a.out).toBe("")
    const c = ours(["decrypt", "--ignore-mac", noMac])
    const d = theirs(["decrypt", "--ignore-mac", noMac])
    expect([c.code, d.code]).toEqual([0, 0])
    expect(c.out).toBe(d.out)
    const tampered = save(
      "tampered.yaml",
      // Another first character than the one there (an "A" already there would tamper nothing: 1 in 64).
      r.out.replace(
        /^( {4}mac: ENC\[AES256_GCM,data:)(.)/m,
        (_m, p: string, c: string) => p + (c === "A" ? "B" : "A"),
      ),
    )
    expect([ours(["decrypt", tampered]).code, theirs(["decrypt", tampered]).code]).toEqual([51, 51])
    expect(ours(["decrypt", "--ignore-mac", tampered]).out).toBe(text)
  })
})
