import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { requireBinary } from "./peers.js"

// Interop with the real sops binary, both directions, every format, through the built CLI.
const sops = requireBinary("SOPS_BIN", "sops")
const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "sealbridge-interop-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function exec(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): { code: number; out: Buffer; err: string } {
  const r = spawnSync(cmd, args, {
    env: { PATH: process.env["PATH"] ?? "", HOME: dir, ...env },
    maxBuffer: 1 << 26,
  })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.toString() }
}
const ours = (args: string[], env?: Record<string, string>) => exec(process.execPath, [cli, ...args], env)
const theirs = (args: string[], env?: Record<string, string>) => exec(sops.path, args, env)

const keyFile = join(dir, "keys.txt")
let recipient = ""
const env = (): Record<string, string> => ({ SOPS_AGE_KEY_FILE: keyFile })
beforeAll(() => {
  if (sops.skip) return
  const r = ours(["keygen", "-o", keyFile])
  if (r.code !== 0) throw new Error(`keygen failed: ${r.err}`)
  recipient = r.out.toString().trim()
})

/** The sealed file with everything random masked: ciphertext (length kept), IVs, tags, age blocks, time. */
function shape(text: string): string {
  return text
    .replace(
      /ENC\[AES256_GCM,data:([^,]*),iv:[^,]*,tag:[^,]*,type:([a-z]+)\]/g,
      (_m, data: string, type: string) => `ENC[${type}:${data.length}]`,
    )
    .replace(/-----BEGIN AGE ENCRYPTED FILE-----[\s\S]*?-----END AGE ENCRYPTED FILE-----/g, "AGE-BLOCK")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "TIME")
}

const cases = [
  [
    "yaml",
    "app.yaml",
    '# top comment\ndb: # on the key line\n    user: admin # inline\n    port: 5432\n    ratio: 1.5\n    enabled: true\n    empty: ""\n    nothing: null\nlist:\n    - a\n    - b: c\n    # foot\nmultiline: |\n    line one\n    line two\nquoted: "123"\nplain_unencrypted: keep\n---\nsecond: doc\n',
  ],
  [
    "json",
    "app.json",
    '{\n\t"id": 9007199254740993,\n\t"f": 1.5,\n\t"big": 1e21,\n\t"n": null,\n\t"e": "",\n\t"html": "<a&b>",\n\t"l": [\n\t\t"x",\n\t\t{\n\t\t\t"k": true\n\t\t}\n\t]\n}\n',
  ],
  ["dotenv", "app.env", "# comment\nUSER=admin\nPASSWORD=s3cr3t=with=equals\nMULTI=a\\nb\nEMPTY=\n"],
  ["ini", "app.ini", "; top\n[db]\nuser = admin\n; about pass\npass = s3cr3t\n\n[other]\nk = v\n"],
  ["binary", "blob.bin", "binary payload \u00e9\nline two\n"],
] as const

describe.skipIf(sops.skip)("interop with sops 3.13 (real binary)", () => {
  it("should make a key with sealbridge keygen that sops accepts", () => {
    expect(recipient).toMatch(/^age1[0-9a-z]{58}$/)
  })

  for (const [type, name, text] of cases) {
    it(`${type}: a file sealed by sealbridge opens with sops -d`, () => {
      const plain = join(dir, name)
      writeFileSync(plain, text)
      const sealed = ours(["encrypt", "--age", recipient, plain])
      expect(sealed.err).toBe("")
      const sealedFile = join(dir, `ours-sealed-${name}`)
      writeFileSync(sealedFile, sealed.out)
      const opened = theirs(["decrypt", "--input-type", type, "--output-type", type, sealedFile], env())
      expect(opened.err).toBe("")
      const reference = theirs(
        ["decrypt", "--input-type", type, "--output-type", type, sopsSealed(type, name, text)],
        env(),
      )
      expect(opened.out.toString("latin1")).toBe(reference.out.toString("latin1"))
    })

    it(`${type}: a file sealed by sops -e opens with sealbridge`, () => {
      const sealedFile = sopsSealed(type, name, text)
      const opened = ours(["decrypt", "--input-type", type, "--output-type", type, sealedFile], env())
      expect(opened.err).toBe("")
      const reference = theirs(["decrypt", "--input-type", type, "--output-type", type, sealedFile], env())
      expect(opened.out.toString("latin1")).toBe(reference.out.toString("latin1"))
    })

    it(`${type}: the sealed file has the same bytes as sops' apart from random parts`, () => {
      const plain = join(dir, name)
      writeFileSync(plain, text)
      const mine = ours(["encrypt", "--age", recipient, plain]).out.toString()
      const sops3 = readFileSync(sopsSealed(type, name, text), "utf8")
      expect(shape(mine)).toBe(shape(sops3))
    })
  }
})

const sealedBySops = new Map<string, string>()
function sopsSealed(type: string, name: string, text: string): string {
  const cached = sealedBySops.get(name)
  if (cached !== undefined) return cached
  const plain = join(dir, `sops-input-${name}`)
  writeFileSync(plain, text)
  const r = theirs(["encrypt", "--input-type", type, "--output-type", type, "--age", recipient, plain])
  if (r.code !== 0) throw new Error(`sops -e ${name} failed: ${r.err}`)
  const file = join(dir, `sops-sealed-${name}`)
  writeFileSync(file, r.out)
  sealedBySops.set(name, file)
  return file
}

describe.skipIf(sops.skip)("interop with sops 3.13: Shamir key groups", () => {
  it("should open each other's 2-of-3 key-group files", () => {
    const keys = [0, 1, 2].map((i) => {
      const file = join(dir, `group-${i}.txt`)
      const r = ours(["keygen", "-o", file])
      return { file, recipient: r.out.toString().trim() }
    })
    const cfgDir = join(dir, "shamir")
    mkdirSync(cfgDir, { recursive: true })
    const groups = keys.map((k) => `      - age: [${k.recipient}]`).join("\n")
    writeFileSync(
      join(cfgDir, ".sops.yaml"),
      `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n${groups}\n`,
    )
    const plain = join(cfgDir, "s.yaml")
    writeFileSync(plain, "a: secret-a\nb: 2\n")
    const two = { SOPS_AGE_KEY: [0, 2].map((i) => readFileSync(keys[i]?.file ?? "", "utf8")).join("\n") }
    const run = (
      cmd: (a: string[], e?: Record<string, string>) => ReturnType<typeof ours>,
      args: string[],
      env?: Record<string, string>,
    ) => {
      const r = spawnSync(cmd === ours ? process.execPath : sops.path, cmd === ours ? [cli, ...args] : args, {
        cwd: cfgDir,
        env: { PATH: process.env["PATH"] ?? "", HOME: dir, ...env },
      })
      return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() }
    }
    const mine = run(ours, ["encrypt", "s.yaml"])
    expect(mine.err).toBe("")
    writeFileSync(join(cfgDir, "mine.yaml"), mine.out)
    expect(run(theirs, ["decrypt", "mine.yaml"], two).out).toBe("a: secret-a\nb: 2\n")
    const their = run(theirs, ["encrypt", "s.yaml"])
    expect(their.code).toBe(0)
    writeFileSync(join(cfgDir, "theirs.yaml"), their.out)
    expect(run(ours, ["decrypt", "theirs.yaml"], two).out).toBe("a: secret-a\nb: 2\n")
    expect(shape(mine.out)).toBe(shape(their.out))
  })
})

describe.skipIf(sops.skip)("interop with sops 3.13: selection rules and mac_only_encrypted", () => {
  const rules: [string, string[]][] = [
    ["encrypted_regex", ["--encrypted-regex", "^(password|token)$"]],
    ["unencrypted_regex", ["--unencrypted-regex", "^pub"]],
    ["encrypted_suffix", ["--encrypted-suffix", "_secret"]],
    ["mac_only_encrypted", ["--mac-only-encrypted", "--encrypted-regex", "^password$"]],
  ]
  for (const [name, flags] of rules) {
    it(`${name}: both tools open each other's files and write the same shape`, () => {
      const plain = join(dir, `rule-${name}.yaml`)
      writeFileSync(
        plain,
        "password: p1\ntoken: t1\npublic: yes-public\napi_secret: s1\nnested:\n    password: p2\n",
      )
      // The legacy -e form: sops 3.13's `encrypt` subcommand has no --mac-only-encrypted flag.
      const mine = ours(["-e", "--age", recipient, ...flags, plain])
      expect(mine.err).toBe("")
      const their = theirs(["-e", "--age", recipient, ...flags, plain])
      expect(their.code).toBe(0)
      expect(shape(mine.out.toString())).toBe(shape(their.out.toString()))
      const mineFile = join(dir, `rule-${name}.mine.yaml`)
      const theirFile = join(dir, `rule-${name}.theirs.yaml`)
      writeFileSync(mineFile, mine.out)
      writeFileSync(theirFile, their.out)
      const expected = readFileSync(plain, "utf8")
      expect(theirs(["decrypt", mineFile], env()).out.toString()).toBe(expected)
      expect(ours(["decrypt", theirFile], env()).out.toString()).toBe(expected)
    })
  }
})
