import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Where identities come from, as sops looks for them; and keygen's default location.
const tmp = tempDir()
afterAll(tmp.cleanup)
let sealed = ""
let keyFile = ""

beforeAll(async () => {
  keyFile = join(tmp.path, "keys.txt")
  const recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
  const plain = join(tmp.path, "p.yaml")
  writeFileSync(plain, "a: secret-value\n")
  sealed = join(tmp.path, "s.yaml")
  expect((await runCli(["encrypt", "--age", recipient, "--output", sealed, plain])).code).toBe(0)
})

describe("age identity sources", () => {
  it("should read SOPS_AGE_KEY_CMD's output", async () => {
    const r = await runCli(["decrypt", sealed], { env: { SOPS_AGE_KEY_CMD: `cat ${keyFile}` } })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe("a: secret-value\n")
  })

  it("should read SOPS_AGE_KEY", async () => {
    const r = await runCli(["decrypt", sealed], { env: { SOPS_AGE_KEY: readFileSync(keyFile, "utf8") } })
    expect(r.stdout).toBe("a: secret-value\n")
  })

  it("should read <XDG_CONFIG_HOME>/sops/age/keys.txt, where keygen writes by default (0600)", async () => {
    const config = join(tmp.path, "xdg")
    const made = await runCli(["keygen"], { env: { XDG_CONFIG_HOME: config } })
    expect(made.code).toBe(0)
    const defaultFile = join(config, "sops", "age", "keys.txt")
    expect(existsSync(defaultFile)).toBe(true)
    expect(statSync(defaultFile).mode & 0o777).toBe(0o600)
    const plain = join(tmp.path, "q.json")
    writeFileSync(plain, '{"k": "v"}')
    const enc = await runCli(["encrypt", "--age", made.stdout.trim(), plain])
    const file = join(tmp.path, "q.sealed.json")
    writeFileSync(file, enc.stdout)
    const r = await runCli(["decrypt", file], { env: { XDG_CONFIG_HOME: config } })
    expect(r.stdout).toBe('{\n\t"k": "v"\n}\n')
    expect((await runCli(["keygen"], { env: { XDG_CONFIG_HOME: config } })).code).not.toBe(0)
  })

  it("should name the key sources it tried when none has an identity (exit 128)", async () => {
    const r = await runCli(["decrypt", sealed], { env: {} })
    expect(r.code).toBe(128)
    expect(r.stderr).toMatch(/SOPS_AGE_KEY_FILE/)
    expect(r.stderr).not.toContain("secret-value")
  })
})
