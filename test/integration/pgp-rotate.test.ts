import { spawnSync } from "node:child_process"
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { requireBinary } from "./peers.js"
import { cliPath, exec, hasStack, workDir } from "./tools.js"

// rotate --add-pgp / --rm-pgp through the built CLI, with two throwaway gpg keys in a temporary
// GNUPGHOME, checked against sops 3.13 on the same files.
const gpg = requireBinary("GPG_BIN", "gpg")
const sops = requireBinary("SOPS_BIN", "sops")
const skip = gpg.skip || sops.skip
const dir = workDir("sbpgprot-")
const home = join(dir.path, "g")
afterAll(() => {
  spawnSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: home } })
  dir.cleanup()
})

const fps: string[] = []
const fp = (i: number) => fps[i] ?? ""
const ageKey = join(dir.path, "age.txt")
let recipient = ""
const text = "db:\n    password: hunter2\n"
/** gpg only (no age identity), age only (an empty GNUPGHOME), or both (adding a PGP key needs its public key). */
const pgpOnly = () => ({ HOME: dir.path, GNUPGHOME: home })
const ageOnly = () => ({ HOME: dir.path, GNUPGHOME: join(dir.path, "empty"), SOPS_AGE_KEY_FILE: ageKey })
const both = () => ({ ...pgpOnly(), SOPS_AGE_KEY_FILE: ageKey })
const ours = (args: string[], env: Record<string, string>) =>
  exec(process.execPath, [cliPath, ...args], env, dir.path)
const theirs = (args: string[], env: Record<string, string>) => exec(sops.path, args, env, dir.path)
const valueLine = (f: string) =>
  readFileSync(f, "utf8")
    .split("\n")
    .find((l) => l.includes("password:"))

beforeAll(() => {
  if (skip) return
  for (const d of [home, join(dir.path, "empty")]) {
    mkdirSync(d)
    chmodSync(d, 0o700)
  }
  const g = (args: string[]) =>
    spawnSync(gpg.path, ["--batch", ...args], { env: { ...process.env, GNUPGHOME: home } })
  for (const who of ["one", "two"]) {
    const made = g([
      "--passphrase",
      "",
      "--quick-gen-key",
      `sb ${who} <${who}@test.invalid>`,
      "future-default",
      "default",
      "never",
    ])
    if (made.status !== 0) throw new Error(`gpg: ${made.stderr.toString()}`)
  }
  const list = g(["--list-keys", "--with-colons"]).stdout.toString()
  // Primary-key fingerprints only: the line after each "pub" record.
  for (const m of list.matchAll(/^pub:.*\n^fpr:+([0-9A-F]{40}):/gm)) fps.push(m[1] ?? "")
  if (fps.length !== 2) throw new Error(`expected two gpg keys, got ${fps.length}`)
  recipient = ours(["keygen", "-o", ageKey], {}).out.trim()
  writeFileSync(join(dir.path, "app.yaml"), text)
})

/** A file sealed for the age key only. */
function sealedForAge(name: string): string {
  const r = ours(["encrypt", "--age", recipient, "app.yaml"], ageOnly())
  if (r.code !== 0) throw new Error(r.err)
  const file = join(dir.path, name)
  writeFileSync(file, r.out)
  return file
}

describe.skipIf(skip)("rotate with PGP keys", () => {
  it("should add a PGP key under a new data key; gpg alone then opens it in both tools", () => {
    const file = sealedForAge("add.yaml")
    const before = valueLine(file)
    const r = ours(["rotate", "-i", "--add-pgp", fp(0), file], both())
    expect([r.code, r.err]).toEqual([0, ""])
    expect(valueLine(file)).not.toBe(before)
    expect(readFileSync(file, "utf8")).toContain(`fp: ${fp(0)}`)
    expect(ours(["decrypt", file], pgpOnly()).out).toBe(text)
    expect(theirs(["decrypt", file], pgpOnly()).out).toBe(text)
    expect(theirs(["decrypt", file], ageOnly()).out).toBe(text)
  })

  it("should swap one PGP key for another (legacy -r form too) and drop the last one", () => {
    const file = sealedForAge("swap.yaml")
    expect(ours(["-r", "-i", "--add-pgp", fp(0), file], both()).code).toBe(0)
    const r = ours(["rotate", "-i", "--add-pgp", fp(1), "--rm-pgp", fp(0), file], both())
    expect([r.code, r.err]).toEqual([0, ""])
    const text1 = readFileSync(file, "utf8")
    expect(text1).toContain(`fp: ${fp(1)}`)
    expect(text1).not.toContain(fp(0))
    expect(text1).toContain("pgp:")
    expect(theirs(["decrypt", file], pgpOnly()).out).toBe(text)
    expect(ours(["rotate", "-i", "--rm-pgp", fp(1), file], ageOnly()).code).toBe(0)
    expect(readFileSync(file, "utf8")).not.toContain("pgp:")
    for (const tool of [ours, theirs]) {
      expect(tool(["decrypt", file], pgpOnly()).code).toBe(128)
      expect(tool(["decrypt", file], ageOnly()).out).toBe(text)
    }
  })

  it("should open what sops rotated in, and sops what sealbridge rotated out", () => {
    const file = sealedForAge("twin.yaml")
    expect(theirs(["rotate", "-i", "--add-pgp", fp(1), file], both()).code).toBe(0)
    expect(ours(["decrypt", file], pgpOnly()).out).toBe(text)
    expect(ours(["rotate", "-i", "--rm-pgp", fp(1), "--add-pgp", fp(0), file], pgpOnly()).code).toBe(0)
    expect(theirs(["decrypt", file], pgpOnly()).out).toBe(text)
    expect(readFileSync(file, "utf8")).not.toContain(fp(1))
  })

  it("should fail as sops does for a fingerprint gpg does not know, leaving the file as it was", () => {
    const mine = sealedForAge("unknown.yaml")
    const twin = join(dir.path, "unknown-sops.yaml")
    copyFileSync(mine, twin)
    const before = readFileSync(mine)
    const bogus = "0123456789ABCDEF0123456789ABCDEF01234567"
    const m = ours(["rotate", "-i", "--add-pgp", bogus, mine], both())
    const s = theirs(["rotate", "-i", "--add-pgp", bogus, twin], both())
    expect(m.code).toBe(s.code)
    expect(m.code).not.toBe(0)
    expect(readFileSync(mine).equals(before)).toBe(true)
    expect(m.err).toContain(bogus)
    expect(hasStack(m.err)).toBe(false)
  })
})
