import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ErrorCode } from "../../src/index.js"
import { fallbackHints } from "../../cli/hints.js"
import { runCli, tempDir } from "../helpers/cli-io.js"

// README promises: "Every error prints `sealbridge: <message>` … and a `hint:` line". Each error
// path below runs through the CLI (in-process, real file system) and must end with exactly one
// hint line that says what to do, whatever raised it: a BridgeError with its own hint, one without
// (the per-code fallback), or commander's own usage errors.
const tmp = tempDir("sealbridge-hints-")
afterAll(tmp.cleanup)
const p = (name: string): string => join(tmp.path, name)
let recipient = ""
let env: Record<string, string> = {}
let sealedYaml = ""

beforeAll(async () => {
  recipient = (await runCli(["keygen", "-o", p("keys.txt")])).stdout.trim()
  await runCli(["keygen", "-o", p("other.txt")])
  env = { SOPS_AGE_KEY_FILE: p("keys.txt") }
  writeFileSync(p("plain.yaml"), "a: alpha-secret\nlist:\n  - x\n")
  const r = await runCli(["encrypt", "--age", recipient, p("plain.yaml")])
  expect(r.code).toBe(0)
  sealedYaml = r.stdout
  writeFileSync(p("sealed.yaml"), sealedYaml)
  writeFileSync(p("broken.yaml"), "a: [1\nb: 2\n")
  writeFileSync(p("empty.yaml"), "")
  writeFileSync(p("sealed-broken.yaml"), sealedYaml.replace(/version: 3\.\d+\.\d+/, "version: abc"))
  writeFileSync(
    p("bad-mac.yaml"),
    sealedYaml.replace(
      /(mac: ENC\[AES256_GCM,data:)(.)/,
      (_m, a: string, c: string) => a + (c === "A" ? "B" : "A"),
    ),
  )
  writeFileSync(
    p("bad-value.yaml"),
    sealedYaml.replace(
      /(a: ENC\[AES256_GCM,data:)(.)/,
      (_m, a: string, c: string) => a + (c === "A" ? "B" : "A"),
    ),
  )
  mkdirSync(p("conf"))
  writeFileSync(p("conf/.sops.yaml"), "creation_rules:\n  - age: [x\n")
  writeFileSync(p("conf/app.yaml"), "a: 1\n")
  writeFileSync(p("list.yaml"), "a:\n  - 1\n")
})

interface Case {
  readonly args: (string | (() => string))[]
  readonly code: number
  readonly env?: () => Record<string, string>
  readonly cwd?: string
  readonly stdin?: string
}

/** Error paths by what a user meets: bad key, bad MAC, bad format, missing file, wrong flags… */
const cases: Record<string, Case> = {
  "decrypt with a key that does not open the file": {
    args: ["decrypt", () => p("sealed.yaml")],
    code: 128,
    env: () => ({ SOPS_AGE_KEY_FILE: p("other.txt") }),
  },
  "decrypt with no key at all": { args: ["decrypt", () => p("sealed.yaml")], code: 128, env: () => ({}) },
  "a MAC that does not match": { args: ["decrypt", () => p("bad-mac.yaml")], code: 51 },
  "a tampered value": { args: ["decrypt", () => p("bad-value.yaml")], code: 25 },
  "plain input that does not parse": {
    args: ["encrypt", "--age", () => recipient, () => p("broken.yaml")],
    code: 2,
  },
  "a sealed file that does not load": { args: ["decrypt", () => p("sealed-broken.yaml")], code: 1 },
  "a file that is not sealed": { args: ["decrypt", () => p("plain.yaml")], code: 1 },
  "a file that is already sealed": {
    args: ["encrypt", "--age", () => recipient, () => p("sealed.yaml")],
    code: 203,
  },
  "a missing file": { args: ["decrypt", () => p("missing.yaml")], code: 100 },
  "a missing file to encrypt": {
    args: ["encrypt", "--age", () => recipient, () => p("missing.yaml")],
    code: 100,
  },
  "an empty file": { args: ["encrypt", "--age", () => recipient, () => p("empty.yaml")], code: 92 },
  "an unknown flag": { args: ["decrypt", "--bogus", () => p("sealed.yaml")], code: 1 },
  "an unknown flag on the top level": { args: ["--bogus"], code: 1 },
  "a flag without its value": { args: ["decrypt", () => p("sealed.yaml"), "--extract"], code: 1 },
  "a missing argument": { args: ["edit"], code: 1 },
  "an unknown command": { args: ["decrpyt"], code: 1 },
  "-i with --output": {
    args: ["encrypt", "--age", () => recipient, "-i", "--output", () => p("o.yaml"), () => p("plain.yaml")],
    code: 8,
  },
  "stdin without --filename-override": {
    args: ["encrypt", "--age", () => recipient],
    code: 8,
    stdin: "a: b\n",
  },
  "no key to encrypt with": { args: ["encrypt", () => p("plain.yaml")], code: 1 },
  "a malformed --age recipient": { args: ["encrypt", "--age", "age1bogus", () => p("plain.yaml")], code: 1 },
  "a malformed --encryption-context": {
    args: [
      "encrypt",
      "--kms",
      "arn:aws:kms:us-east-1:1:key/x",
      "--encryption-context",
      "nocolon",
      () => p("plain.yaml"),
    ],
    code: 6,
  },
  "a malformed --extract path": { args: ["decrypt", "--extract", "a]", () => p("sealed.yaml")], code: 91 },
  "an --extract path that is not there": {
    args: ["decrypt", "--extract", '["nope"]', () => p("sealed.yaml")],
    code: 1,
  },
  "a malformed set path": { args: ["set", () => p("sealed.yaml"), "nope", '"v"'], code: 7 },
  "a set value that is not JSON": { args: ["set", () => p("sealed.yaml"), '["a"]', "not-json"], code: 7 },
  "set with too few arguments": { args: ["set", () => p("sealed.yaml")], code: 100 },
  "output that cannot be written": {
    args: ["decrypt", "--output", () => p("no/such/dir/out.yaml"), () => p("sealed.yaml")],
    code: 3,
  },
  "-i in a read-only place": {
    args: ["decrypt", "--output", () => p("ro/x.yaml"), () => p("sealed.yaml")],
    code: 3,
  },
  "plaintext that the output type cannot hold": {
    args: ["decrypt", "--output-type", "dotenv", () => p("sealed.yaml")],
    code: 4,
  },
  "edit with no editor": {
    args: ["edit", () => p("sealed.yaml")],
    code: 201,
    env: () => ({ ...env, EDITOR: "", SOPS_EDITOR: "", PATH: "/nonexistent" }),
  },
  "edit that changes nothing": {
    args: ["edit", () => p("sealed.yaml")],
    code: 200,
    env: () => ({ ...env, EDITOR: "true" }),
  },
  "a broken .sops.yaml": { args: ["encrypt", () => p("conf/app.yaml")], code: 1, cwd: "conf" },
  "an unknown --input-type": { args: ["decrypt", "--input-type", "toml", () => p("sealed.yaml")], code: 1 },
  "a malformed --key-timeout": {
    args: ["decrypt", "--key-timeout", "soon", () => p("sealed.yaml")],
    code: 1,
  },
  "groups delete of a group that is not there": {
    args: ["groups", "delete", "-f", () => p("sealed.yaml"), "7"],
    code: 2,
  },
  "exec-env on a missing file": { args: ["exec-env", () => p("missing.yaml"), "true"], code: 2 },
  "filestatus of a missing file": { args: ["filestatus", () => p("missing.yaml")], code: 100 },
  "keygen over an existing file": { args: ["keygen", "-o", () => p("keys.txt")], code: 1 },
  "scan with an unknown flag": { args: ["scan", "--bogus"], code: 2 },
}

describe("every error the CLI prints carries a hint: line (README's promise)", () => {
  for (const [what, c] of Object.entries(cases)) {
    it(`${what}: exit ${String(c.code)}, an error line and then one hint line`, async () => {
      const args = c.args.map((a) => (typeof a === "string" ? a : a()))
      const r = await runCli(args, {
        env: c.env?.() ?? env,
        ...(c.cwd === undefined ? {} : { cwd: p(c.cwd) }),
        ...(c.stdin === undefined ? {} : { stdin: c.stdin }),
      })
      expect(r.code, r.stderr).toBe(c.code)
      const lines = r.stderr.split("\n").filter((l) => l !== "")
      expect(lines[0], r.stderr).toMatch(/^(sealbridge: |error: )\S/)
      const hints = lines.filter((l) => l.startsWith("hint: "))
      expect(hints.length, r.stderr).toBe(1)
      // A hint says what to do: words, not a placeholder.
      expect(hints[0], r.stderr).toMatch(/^hint: [a-z`$-].{14,}$/i)
      expect(hints[0]).not.toMatch(/undefined|\[object|redacted/)
      expect(r.stderr).not.toContain("alpha-secret")
    })
  }
})

describe("the fallback hint of each error code", () => {
  it("exists for every code and says something of its own", () => {
    const codes = Object.values(ErrorCode).sort()
    expect(Object.keys(fallbackHints).sort()).toEqual(codes)
    const texts = Object.values(fallbackHints)
    for (const t of texts) expect(t.length).toBeGreaterThan(15)
    expect(new Set(texts).size).toBe(texts.length)
  })
})
