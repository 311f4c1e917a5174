import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sopsTwins } from "./sops-twins.js"

// rotate --recursive over a repository through the built CLI; sops opens every result.
const t = sopsTwins("sealbridge-rotate-tree-")
afterAll(t.cleanup)
const key1 = join(t.dir, "k1.txt")
const key2 = join(t.dir, "k2.txt")
let r1 = ""
let r2 = ""

beforeAll(() => {
  if (t.sops.skip) return
  r1 = t.ours(["keygen", "-o", key1]).out.trim()
  r2 = t.ours(["keygen", "-o", key2]).out.trim()
})

const dataKeyLine = (f: string) =>
  readFileSync(f, "utf8")
    .split("\n")
    .find((l) => l.startsWith("a: ")) ?? ""

describe.skipIf(t.sops.skip)("rotate --recursive", () => {
  it("should list with --dry-run, then rotate every covered sealed file and summarise failures", () => {
    const repo = join(t.dir, "repo")
    mkdirSync(join(repo, "sub"), { recursive: true })
    writeFileSync(join(repo, ".sops.yaml"), `creation_rules:\n  - path_regex: \\.yaml$\n    age: ${r1}\n`)
    const plain = join(t.dir, "plain.yaml")
    writeFileSync(plain, "a: one\n")
    const sealed = t.theirs(["encrypt", "--age", r1, plain], { env: { SOPS_AGE_KEY_FILE: key1 } })
    writeFileSync(join(repo, "one.yaml"), sealed.outBytes)
    copyFileSync(join(repo, "one.yaml"), join(repo, "sub", "two.yaml"))
    const locked = t.theirs(["encrypt", "--age", r2, plain], { env: { SOPS_AGE_KEY_FILE: key2 } })
    writeFileSync(join(repo, "locked.yaml"), locked.outBytes)
    writeFileSync(join(repo, "plain.yaml"), "a: not sealed\n")
    const before = dataKeyLine(join(repo, "one.yaml"))

    const env = { SOPS_AGE_KEY_FILE: key1 }
    const dry = t.ours(["rotate", "--recursive", "--dry-run"], { env, cwd: repo })
    expect(dry.code).toBe(0)
    expect(dry.out.split("\n").filter((l) => l !== "").length).toBe(3)
    expect(dataKeyLine(join(repo, "one.yaml"))).toBe(before)

    const run = t.ours(["rotate", "--recursive", "--add-age", r2], { env, cwd: repo })
    expect(run.code).toBe(1)
    expect(run.err).toContain("failed rotating 1 of 3 file(s)")
    expect(run.err).toContain("locked.yaml")
    expect(dataKeyLine(join(repo, "one.yaml"))).not.toBe(before)
    for (const f of ["one.yaml", join("sub", "two.yaml")]) {
      expect(t.theirs(["decrypt", join(repo, f)], { env: { SOPS_AGE_KEY_FILE: key2 } }).out).toBe("a: one\n")
    }
    expect(readFileSync(join(repo, "plain.yaml"), "utf8")).toBe("a: not sealed\n")
  })
})
