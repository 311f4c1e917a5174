import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sopsTwins } from "./sops-twins.js"

// updatekeys (one file, several files, a whole tree) through the built CLI against real sops.
const t = sopsTwins("sealbridge-updatekeys-")
afterAll(t.cleanup)
const key1 = join(t.dir, "k1.txt")
const key2 = join(t.dir, "k2.txt")
let r1 = ""
let r2 = ""
const env1 = { SOPS_AGE_KEY_FILE: key1 }
const env2 = { SOPS_AGE_KEY_FILE: key2 }

beforeAll(() => {
  if (t.sops.skip) return
  r1 = t.ours(["keygen", "-o", key1]).out.trim()
  r2 = t.ours(["keygen", "-o", key2]).out.trim()
  writeFileSync(
    join(t.dir, ".sops.yaml"),
    `creation_rules:\n  - path_regex: \\.yaml$\n    age: ${r1},${r2}\n`,
  )
})

/** A file sealed (by sops) for key 1 only; the rule wants keys 1 and 2. */
function sealedForOne(name: string): string {
  const plain = join(t.dir, `plain-${name}`)
  writeFileSync(plain, "a: one\nb: 2\n")
  const r = t.theirs(["encrypt", "--age", r1, plain], { env: env1 })
  if (r.code !== 0) throw new Error(r.err)
  const file = join(t.dir, name)
  writeFileSync(file, r.outBytes)
  return file
}

const valueAndMacLines = (f: string) =>
  readFileSync(f, "utf8")
    .split("\n")
    .filter((l) => /^(a|b):|mac:|lastmodified:/.test(l.trim()))

describe.skipIf(t.sops.skip)("updatekeys against sops 3.13", () => {
  it("should print sops' diff and prompt, and leave the file alone on n or end of input", () => {
    const mine = sealedForOne("m1.yaml")
    const theirs = join(t.dir, "t1.yaml")
    copyFileSync(mine, theirs)
    const before = readFileSync(mine)
    for (const [input, code] of [
      ["n\n", 0],
      ["", 1],
      ["maybe\nn\n", 0],
    ] as const) {
      const m = t.ours(["updatekeys", mine], { env: env1, input })
      const s = t.theirs(["updatekeys", theirs], { env: env1, input })
      expect([m.code, s.code]).toEqual([code, code])
      expect(m.out).toBe(s.out)
    }
    expect(readFileSync(mine).equals(before)).toBe(true)
    expect(t.ours(["updatekeys", mine], { env: env1, input: "n\n" }).out).toBe(
      `The following changes will be made to the file's groups:\nGroup 1\n    ${r1}\n+++ ${r2}\nIs this okay? (y/n):`,
    )
  })

  it("should re-wrap the same data key with -y: values and MAC untouched, the new key opens it in sops", () => {
    const file = sealedForOne("m2.yaml")
    const before = valueAndMacLines(file)
    const r = t.ours(["updatekeys", "-y", file], { env: env1 })
    expect(r.code).toBe(0)
    expect(valueAndMacLines(file)).toEqual(before)
    expect(t.theirs(["decrypt", file], { env: env2 }).out).toBe("a: one\nb: 2\n")
    const again = t.ours(["updatekeys", "-y", file], { env: env1 })
    expect(again.code).toBe(0)
    expect(again.err).toContain("already up to date")
  })

  it("should exit as sops does: no file 100, missing file 1, unsealed file 1, no key 128", () => {
    const plain = join(t.dir, "plain.yaml")
    writeFileSync(plain, "a: 1\n")
    const locked = sealedForOne("locked.yaml")
    for (const [args, env, code] of [
      [["updatekeys"], env1, 100],
      [["updatekeys", join(t.dir, "absent.yaml")], env1, 1],
      [["updatekeys", "-y", plain], env1, 1],
      [["updatekeys", "-y", locked], env2, 128],
    ] as const) {
      const m = t.ours([...args], { env })
      const s = t.theirs([...args], { env })
      expect([args.join(" "), m.code]).toEqual([args.join(" "), code])
      expect([args.join(" "), s.code]).toEqual([args.join(" "), code])
    }
  })

  it("should carry on past a failing file and fail at the end (exit 1), as sops", () => {
    const a = sealedForOne("multi-a.yaml")
    const b = sealedForOne("multi-b.yaml")
    const r = t.ours(["updatekeys", "-y", a, join(t.dir, "absent.yaml"), b], { env: env1 })
    expect(r.code).toBe(1)
    expect(r.err).toContain("failed updating 1 of 3 file(s)")
    expect(t.theirs(["decrypt", b], { env: env2 }).code).toBe(0)
  })
})

describe.skipIf(t.sops.skip)("updatekeys -r over a repository", () => {
  it("should list with --dry-run, then update every sealed file a rule covers, with one error summary", () => {
    const repo = join(t.dir, "repo")
    mkdirSync(join(repo, "deep", "er"), { recursive: true })
    writeFileSync(
      join(repo, ".sops.yaml"),
      `creation_rules:\n  - path_regex: \\.yaml$\n    age: ${r1},${r2}\n`,
    )
    const one = sealedForOne("r-one.yaml")
    copyFileSync(one, join(repo, "one.yaml"))
    copyFileSync(one, join(repo, "deep", "er", "two.yaml"))
    copyFileSync(one, join(repo, "deep", "not-covered.json"))
    writeFileSync(join(repo, "plain.yaml"), "not: sealed\n")
    // Sealed for key 2 only: key 1 cannot open it, so it fails and is reported at the end.
    const locked = t.theirs(["encrypt", "--age", r2, join(repo, "plain.yaml")], { env: env2 })
    writeFileSync(join(repo, "locked.yaml"), locked.outBytes)

    const dry = t.ours(["updatekeys", "-r", "--dry-run"], { env: env1, cwd: repo })
    expect(dry.code).toBe(0)
    expect(dry.out.match(/^\+\+\+ /gm)?.length).toBe(3)
    expect(readFileSync(join(repo, "one.yaml")).equals(readFileSync(one))).toBe(true)

    const run = t.ours(["updatekeys", "-y", "-r", repo], { env: env1, cwd: t.dir })
    expect(run.code).toBe(1)
    expect(run.err).toContain("failed updating 1 of 3 file(s)")
    expect(run.err).toContain("locked.yaml")
    for (const f of ["one.yaml", join("deep", "er", "two.yaml")]) {
      expect(t.theirs(["decrypt", join(repo, f)], { env: env2 }).out).toBe("a: one\nb: 2\n")
    }
    expect(readFileSync(join(repo, "deep", "not-covered.json")).equals(readFileSync(one))).toBe(true)
    expect(readFileSync(join(repo, "plain.yaml"), "utf8")).toBe("not: sealed\n")
  })
})
