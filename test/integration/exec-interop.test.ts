import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sopsTwins } from "./sops-twins.js"

// exec-env / exec-file through the built CLI, checked against the real sops binary.
const t = sopsTwins("sealbridge-exec-")
afterAll(t.cleanup)
const keyFile = join(t.dir, "keys.txt")
const env = { SOPS_AGE_KEY_FILE: keyFile }
let recipient = ""

function sealed(name: string, text: string): string {
  const plain = join(t.dir, `plain-${name}`)
  writeFileSync(plain, text)
  const r = t.theirs(["encrypt", "--age", recipient, "--filename-override", name, plain])
  if (r.code !== 0) throw new Error(r.err)
  const file = join(t.dir, name)
  writeFileSync(file, r.outBytes)
  return file
}

const both = (args: string[]) => [t.ours(args, { env }), t.theirs(args, { env })] as const

beforeAll(() => {
  if (t.sops.skip) return
  recipient = t.ours(["keygen", "-o", keyFile]).out.trim()
})

describe.skipIf(t.sops.skip)("exec-env against sops 3.13", () => {
  it("should put every top-level value in the environment with sops' text for each type", () => {
    const file = sealed(
      "types.yaml",
      'A: one\nB: "two words"\nN: 5\nF: 1.5\nG: 5.0\nH: 1234567.0\nI: 0.00001\nJ: true\nK: null\nL: 2001-12-14t21:59:43.10-05:00\nM: ""\n# comment\n',
    )
    const [mine, theirs] = both(["exec-env", file, "env | grep -E '^[A-N]=' | sort"])
    expect(theirs.code).toBe(0)
    expect(mine.err).toBe("")
    expect(mine.out).toBe(theirs.out)
    expect(mine.out).toContain("H=1.234567E+06\n")
  })

  it("should pass the command's exit status through, and 255 for a signal death", () => {
    const file = sealed("status.env", "X=1\n")
    for (const [cmd, code] of [
      ["exit 3", 3],
      ["exit 0", 0],
      ["kill -9 $$", 255],
    ] as const) {
      const [mine, theirs] = both(["exec-env", file, cmd])
      expect(theirs.code).toBe(code)
      expect(mine.code).toBe(code)
    }
  })

  it("should give only the file's values with --pristine", () => {
    const file = sealed("pristine.env", "X=1\nY=2 3\n")
    const [mine, theirs] = both(["exec-env", "--pristine", file, "env | grep -v '^PWD=' | sort"])
    expect(mine.out).toBe(theirs.out)
    expect(mine.out).toBe("X=1\nY=2 3\n")
  })

  it("should fail as sops does: missing command 1, missing file 2, nested value 1, '=' in a key 1", () => {
    const nested = sealed("nested.yaml", "A:\n    - 1\n")
    const eq = sealed("eq.json", '{"a=b": "v"}')
    for (const args of [
      ["exec-env", nested],
      ["exec-env", join(t.dir, "absent.yaml"), "true"],
      ["exec-env", nested, "true"],
      ["exec-env", eq, "true"],
    ]) {
      const [mine, theirs] = both(args)
      expect([args.join(" "), mine.code]).toEqual([args.join(" "), theirs.code])
      expect(mine.code).not.toBe(0)
    }
  })

  it("should exit 128 without printing any value when no key opens the file", () => {
    const file = sealed("nokey.yaml", "SECRET: hunter2-value\n")
    const other = join(t.dir, "other.txt")
    t.ours(["keygen", "-o", other])
    const mine = t.ours(["exec-env", file, "true"], { env: { SOPS_AGE_KEY_FILE: other } })
    const theirs = t.theirs(["exec-env", file, "true"], { env: { SOPS_AGE_KEY_FILE: other } })
    expect(theirs.code).toBe(128)
    expect(mine.code).toBe(128)
    expect(mine.out + mine.err).not.toContain("hunter2")
  })

  it("should keep secrets off the command line of every process", () => {
    const file = sealed("argv.env", "TOKEN=argv-secret-xyz\n")
    const mine = t.ours(["exec-env", file, "cat /proc/$$/cmdline /proc/$PPID/cmdline | tr '\\0' ' '"], {
      env,
    })
    expect(mine.code).toBe(0)
    expect(mine.out).toContain("/bin/sh -c")
    expect(mine.out).not.toContain("argv-secret-xyz")
  })
})

describe.skipIf(t.sops.skip)("exec-file against sops 3.13", () => {
  it("should hand the plaintext through a 0600 FIFO by default, with the bytes sops gives", () => {
    const file = sealed("app.yaml", "db:\n    password: p4ss\n# note\nlist:\n    - 1\n")
    const [mine, theirs] = both(["exec-file", file, "cat {}"])
    expect(mine.err).toBe("")
    expect(mine.out).toBe(theirs.out)
    const kind = t.ours(["exec-file", file, "stat -c '%F %a' {} && cat {} > /dev/null"], { env })
    expect(kind.out).toBe("fifo 600\n")
  })

  it("should use a 0600 regular file with --no-fifo and remove it afterwards", () => {
    const file = sealed("nofifo.json", '{"k": "v"}')
    const r = t.ours(["exec-file", "--no-fifo", file, "stat -c '%F %a' {}; echo {}"], { env })
    const [kind, path] = r.out.trim().split("\n")
    expect(kind).toBe("regular file 600")
    expect(path).toMatch(/\/tmp-file$/)
    expect(existsSync(path ?? "")).toBe(false)
    expect(existsSync(join(path ?? "", ".."))).toBe(false)
  })

  it("should name the file with --filename and convert with --output-type, as sops", () => {
    const file = sealed("conv.yaml", "a: 1\nb: [x, y]\n")
    const args = [
      "exec-file",
      "--output-type",
      "json",
      "--filename",
      "conf.json",
      file,
      "basename {}; cat {}",
    ]
    const [mine, theirs] = both(args)
    expect(mine.out).toBe(theirs.out)
    expect(mine.out.startsWith("conf.json\n{")).toBe(true)
  })

  it("should pass the exit status through and refuse a non-local --filename (exit 1)", () => {
    const file = sealed("st.yaml", "a: 1\n")
    const [mine, theirs] = both(["exec-file", file, "cat {} >/dev/null; exit 4"])
    expect([mine.code, theirs.code]).toEqual([4, 4])
    const [m2, t2] = both(["exec-file", "--filename", "../x", file, "true"])
    expect([m2.code, t2.code]).toEqual([1, 1])
  })

  it("should not hang when the command never opens the FIFO", () => {
    const file = sealed("unread.yaml", "a: 1\n")
    const r = t.ours(["exec-file", file, "exit 0"], { env })
    expect(r.code).toBe(0)
  })

  it("should hand over more than a pipe buffer (64 KiB) intact", () => {
    const big = "k: " + "x".repeat(200_000) + "\n"
    const file = sealed("big.yaml", big)
    const r = t.ours(["exec-file", file, "wc -c < {}"], { env })
    expect(r.out.trim()).toBe(String(Buffer.byteLength(big)))
  })

  it("should refuse --background with --no-fifo (exit 8): the file would vanish before it is read", () => {
    const file = sealed("bg.yaml", "a: 1\n")
    expect(t.ours(["exec-file", "--background", "--no-fifo", file, "true"], { env }).code).toBe(8)
    expect(readFileSync(file, "utf8")).toContain("sops:")
  })
})
