import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// A UTF-8 byte-order mark before a plain or a sealed file, with the exit status sops 3.13.2 gives
// (test/integration/bom-interop.test.ts compares with the binary): JSON refused (2 plain, 1
// sealed), YAML and INI read past it, dotenv keeps it in the first key (so a sealed file with a
// mark put before it no longer opens: 25). Small files go through the tree, large ones through
// the one-pass paths (sealing from 256 KiB, opening from 1 MiB).

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const SECRET = "s3cret-value"
const tmp = tempDir("sealbridge-bom-")
afterAll(tmp.cleanup)
let recipient = ""
let env: Record<string, string> = {}

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  const res = await runCli(["keygen", "-o", keyFile])
  expect(res.code).toBe(0)
  recipient = res.stdout.trim()
  env = { SOPS_AGE_KEY_FILE: keyFile }
})

const write = (name: string, ...parts: (string | Buffer)[]): string => {
  const p = join(tmp.path, name)
  writeFileSync(p, Buffer.concat(parts.map((x) => (typeof x === "string" ? Buffer.from(x) : x))))
  return p
}
// The sealed bytes (CliResult.stdout is decoded text, which would drop a leading mark).
const seal = async (p: string): Promise<Buffer> => {
  const r = await runCli(["encrypt", "--age", recipient, p], { env })
  expect(r.code, r.stderr).toBe(0)
  return Buffer.from(r.stdoutBytes)
}

const PLAIN = {
  json: `{"a": "x", "pw": "${SECRET}"}`,
  yaml: `# note\na: x\npw: ${SECRET}\n`,
  env: `a=x\npw=${SECRET}\n`,
  ini: `[s]\nid = x\npw = ${SECRET}\n`,
} as const

// Lines of about 1,100 bytes, so 270 make 300 KiB and 1,000 make 1.1 MiB.
const longJson = (n: number): string =>
  `{${Array.from({ length: n }, (_, i) => `"k${String(i)}": "v-${"x".repeat(1100)}"`).join(", ")}}`
const longYaml = (n: number): string =>
  Array.from({ length: n }, (_, i) => `k${String(i)}: v-${"x".repeat(1100)}\n`).join("")

describe("a UTF-8 byte-order mark before the file", () => {
  it("json, plain: exit 2 naming the file at 1:1, nothing written, no value echoed", async () => {
    const p = write("plain.json", BOM, PLAIN.json)
    const r = await runCli(["encrypt", "--age", recipient, p], { env })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr).toMatch(/^sealbridge: .*plain\.json:1:1: invalid json: a UTF-8 byte-order mark before/)
    expect(r.stderr).not.toContain(SECRET)
  })

  it("json, sealed: exit 1 for decrypt, as a file that cannot be loaded", async () => {
    const sealed = await seal(write("s.json", PLAIN.json))
    const r = await runCli(["decrypt", write("bom-s.json", BOM, sealed)], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe("")
    expect(r.stderr).toMatch(/^sealbridge: .*bom-s\.json:1:1: invalid json: a UTF-8 byte-order mark/)
  })

  it.each(["yaml", "ini"] as const)(
    "%s: read past, plain and sealed; nothing written carries the mark",
    async (ext) => {
      const withMark = await seal(write(`plain.${ext}`, BOM, PLAIN[ext]))
      expect(withMark.subarray(0, 3)).not.toEqual(BOM)
      const opened = await runCli(["decrypt", write(`s.${ext}`, withMark)], { env })
      expect(opened.code, opened.stderr).toBe(0)
      expect(Buffer.from(opened.stdoutBytes)).toEqual(Buffer.from(PLAIN[ext]))
      const reopened = await runCli(["decrypt", write(`bom-s.${ext}`, BOM, withMark)], { env })
      expect(reopened.code, reopened.stderr).toBe(0)
      expect(Buffer.from(reopened.stdoutBytes)).toEqual(Buffer.from(PLAIN[ext]))
    },
  )

  it("yaml: only blank text after the mark is exit 2 (sops' decoder meets the end first)", async () => {
    const r = await runCli(["encrypt", "--age", recipient, write("blank.yaml", BOM, "\n")], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/blank\.yaml:1:1: no yaml document after the UTF-8 byte-order mark/)
  })

  it("dotenv: the mark stays in the first key, sealed and opened back with it", async () => {
    const sealed = await seal(write("plain.env", BOM, PLAIN.env))
    expect(sealed.subarray(0, 20).toString()).toBe("\ufeffa=ENC[AES256_GCM,")
    const opened = await runCli(["decrypt", write("s.env", sealed)], { env })
    expect(opened.code, opened.stderr).toBe(0)
    expect(Buffer.from(opened.stdoutBytes)).toEqual(Buffer.concat([BOM, Buffer.from(PLAIN.env)]))
  })

  it("dotenv: a mark put before a sealed file moves its first value to another key: exit 25", async () => {
    const sealed = await seal(write("s2.env", PLAIN.env))
    const r = await runCli(["decrypt", write("bom-s.env", BOM, sealed)], { env })
    expect(r.code).toBe(25)
    expect(r.stdout).toBe("")
    expect(r.stderr).not.toContain(SECRET)
  })

  it("dotenv: before a comment line, exit 2 at 1:1 naming the mark", async () => {
    const r = await runCli(["encrypt", "--age", recipient, write("c.env", BOM, "# note\n", PLAIN.env)], {
      env,
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /c\.env:1:1: invalid dotenv line: missing "=" \(it starts with a UTF-8 byte-order mark\)/,
    )
  })

  it("json from 256 KiB (one-pass sealing): exit 2 as the tree path", async () => {
    const text = longJson(270)
    expect(text.length).toBeGreaterThan(256 << 10)
    const r = await runCli(["encrypt", "--age", recipient, write("mid.json", BOM, text)], { env })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr).toMatch(/mid\.json:1:1: invalid json: a UTF-8 byte-order mark/)
  })

  it("json from 1 MiB (one-pass opening): exit 1 as the tree path", async () => {
    const sealed = await seal(write("big.json", longJson(1000)))
    expect(sealed.length).toBeGreaterThan(1 << 20)
    const r = await runCli(["decrypt", write("bom-big.json", BOM, sealed)], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe("")
    expect(r.stderr).toMatch(/bom-big\.json:1:1: invalid json: a UTF-8 byte-order mark/)
  })

  it("yaml from 256 KiB sealed and from 1 MiB opened in one pass: read past the mark", async () => {
    const text = longYaml(1000)
    const sealed = await seal(write("big.yaml", BOM, text))
    expect(sealed.subarray(0, 8).toString()).toBe("k0: ENC[")
    expect(sealed.length).toBeGreaterThan(1 << 20)
    const r = await runCli(["decrypt", write("bom-big.yaml", BOM, sealed)], { env })
    expect(r.code, r.stderr).toBe(0)
    expect(Buffer.from(r.stdoutBytes).equals(Buffer.from(text))).toBe(true)
  })
})
