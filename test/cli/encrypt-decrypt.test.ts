import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

const tmp = tempDir()
afterAll(tmp.cleanup)
let recipient = ""
let keyEnv: Record<string, string> = {}

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  const res = await runCli(["keygen", "-o", keyFile])
  expect(res.code).toBe(0)
  recipient = res.stdout.trim()
  keyEnv = { SOPS_AGE_KEY_FILE: keyFile }
})

const write = (name: string, text: string | Uint8Array): string => {
  const p = join(tmp.path, name)
  writeFileSync(p, text)
  return p
}

const samples = {
  "app.yaml":
    "# comment\ndb:\n    user: admin\n    port: 5432\n    ratio: 1.5\n    enabled: true\nlist:\n    - a\n    - b: c\nplain_unencrypted: keep\n",
  "app.json":
    '{\n\t"id": 9007199254740993,\n\t"f": 1.5,\n\t"n": null,\n\t"l": [\n\t\t"x",\n\t\t{\n\t\t\t"k": true\n\t\t}\n\t]\n}\n',
  "app.env": "# comment\nUSER=admin\nPASSWORD=s3cr3t=with=equals\nMULTI=a\\nb\n",
  "app.ini": "[db]\nuser = admin\npass = s3cr3t\n\n[other]\nk = v\n",
  "blob.bin": "binary \u0000 payload \u00ff\n",
} as const

describe("encrypt then decrypt", () => {
  for (const [name, text] of Object.entries(samples)) {
    it(`should round-trip ${name} and leave no plaintext value in the sealed file`, async () => {
      const file = write(name, text)
      const sealed = await runCli(["encrypt", "--age", recipient, file])
      expect(sealed.stderr).toBe("")
      expect(sealed.code).toBe(0)
      expect(sealed.stdout).toContain("ENC[AES256_GCM,data:")
      expect(sealed.stdout).not.toContain("admin")
      expect(sealed.stdout).not.toContain("s3cr3t")
      const sealedFile = write(`sealed-${name}`, sealed.stdoutBytes)
      const opened = await runCli(
        ["decrypt", "--input-type", typeOf(name), "--output-type", typeOf(name), sealedFile],
        { env: keyEnv },
      )
      expect(opened.stderr).toBe("")
      expect(opened.code).toBe(0)
      expect(Buffer.from(opened.stdoutBytes).equals(Buffer.from(readFileSync(file)))).toBe(true)
    })
  }

  it("should accept the legacy -e / -d forms and -i in place, keeping the file mode", async () => {
    const file = write("inplace.yaml", "a: secret-value\n")
    chmodSync(file, 0o640)
    expect((await runCli(["-e", "-i", "--age", recipient, file])).code).toBe(0)
    expect(readFileSync(file, "utf8")).not.toContain("secret-value")
    expect(statSync(file).mode & 0o777).toBe(0o640)
    expect((await runCli(["-d", "-i", file], { env: keyEnv })).code).toBe(0)
    expect(readFileSync(file, "utf8")).toBe("a: secret-value\n")
    // Plaintext written in place is private to the user, whatever the sealed file's mode was.
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(leftoverTempFiles()).toEqual([])
  })

  it("should write decrypted --output files with mode 0600", async () => {
    const file = write("out.yaml", "a: secret-value\n")
    const sealed = write("out.sealed.yaml", (await runCli(["encrypt", "--age", recipient, file])).stdoutBytes)
    const dest = join(tmp.path, "out.plain.yaml")
    expect((await runCli(["decrypt", "--output", dest, sealed], { env: keyEnv })).code).toBe(0)
    expect(statSync(dest).mode & 0o777).toBe(0o600)
    expect(readFileSync(dest, "utf8")).toBe("a: secret-value\n")
  })

  it("should read stdin with --filename-override and refuse stdin without it (exit 8)", async () => {
    const ok = await runCli(["encrypt", "--age", recipient, "--filename-override", "x.json", "-"], {
      stdin: '{"a": "b"}',
    })
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^\{\n\t"a": "ENC\[/)
    const refused = await runCli(["encrypt", "--age", recipient], { stdin: "a: b\n" })
    expect(refused.code).toBe(8)
  })

  it("should print filestatus as sops does", async () => {
    const plain = write("status.yaml", "a: b\n")
    const sealed = write(
      "status.sealed.yaml",
      (await runCli(["encrypt", "--age", recipient, plain])).stdoutBytes,
    )
    expect((await runCli(["filestatus", sealed])).stdout).toBe('{"encrypted":true}\n')
    expect((await runCli(["filestatus", plain])).stdout).toBe('{"encrypted":false}\n')
  })
})

describe("bad input gets a coded error and loses nothing", () => {
  it.each([
    ["broken.yaml", "a: [\n", 2],
    ["broken.json", '{"a": ', 2],
    ["broken.ini", "[unterminated\nk = v\n", 2],
    ["empty.yaml", "", 92],
  ])("should refuse %s with exit %i and leave it untouched with -i", async (name, text, code) => {
    const file = write(name, text)
    const res = await runCli(["encrypt", "-i", "--age", recipient, file])
    expect(res.code).toBe(code)
    expect(res.stderr).toContain(name)
    expect(readFileSync(file, "utf8")).toBe(text)
    expect(leftoverTempFiles()).toEqual([])
  })

  it("should refuse an already sealed file with exit 203", async () => {
    const file = write("twice.yaml", "a: b\n")
    const sealed = write(
      "twice.sealed.yaml",
      (await runCli(["encrypt", "--age", recipient, file])).stdoutBytes,
    )
    const before = readFileSync(sealed, "utf8")
    const res = await runCli(["encrypt", "-i", "--age", recipient, sealed])
    expect(res.code).toBe(203)
    expect(readFileSync(sealed, "utf8")).toBe(before)
  })

  it("should exit 100 for a missing file, 1 when no keys are given, 1 for a plain file on decrypt", async () => {
    expect((await runCli(["decrypt", join(tmp.path, "nope.yaml")])).code).toBe(100)
    const plain = write("nokeys.yaml", "a: b\n")
    const noKeys = await runCli(["encrypt", plain], { cwd: tmp.path })
    expect(noKeys.code).toBe(1)
    expect(noKeys.stderr).toMatch(/hint: /)
    expect((await runCli(["decrypt", plain], { env: keyEnv })).code).toBe(1)
  })

  it("should exit 128 with a wrong key and 25 for a truncated envelope", async () => {
    const other = await runCli(["keygen", "-o", join(tmp.path, "other-keys.txt")])
    const file = write("wrongkey.yaml", "a: secret-value\n")
    const sealedText = (await runCli(["encrypt", "--age", other.stdout.trim(), file])).stdout
    const sealed = write("wrongkey.sealed.yaml", sealedText)
    const wrong = await runCli(["decrypt", sealed], { env: keyEnv })
    expect(wrong.code).toBe(128)
    expect(wrong.stdout).toBe("")
    const mine = (await runCli(["encrypt", "--age", recipient, file])).stdout
    const truncated = write(
      "truncated.yaml",
      mine.replace(/^a: ENC\[AES256_GCM,data:[^,]*/m, "a: ENC[AES256_GCM,data:"),
    )
    const res = await runCli(["decrypt", truncated], { env: keyEnv })
    expect(res.code).not.toBe(0)
    expect(res.stdout).toBe("")
    expect(res.stderr).not.toContain("secret-value")
  })

  it("should refuse two selection rules with exit 8", async () => {
    const file = write("rules.yaml", "a: b\n")
    const res = await runCli([
      "encrypt",
      "--age",
      recipient,
      "--encrypted-regex",
      "a",
      "--unencrypted-regex",
      "b",
      file,
    ])
    expect(res.code).toBe(8)
  })

  it("should refuse to overwrite an existing key with keygen", async () => {
    const keyFile = join(tmp.path, "keys.txt")
    const before = readFileSync(keyFile, "utf8")
    const res = await runCli(["keygen", "-o", keyFile])
    expect(res.code).not.toBe(0)
    expect(readFileSync(keyFile, "utf8")).toBe(before)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
  })

  it("should exit 91 for a malformed --extract path and 1 for a missing key", async () => {
    const file = write("extract.yaml", "a: b\n")
    const sealed = write(
      "extract.sealed.yaml",
      (await runCli(["encrypt", "--age", recipient, file])).stdoutBytes,
    )
    expect((await runCli(["decrypt", "--extract", "zz", sealed], { env: keyEnv })).code).toBe(91)
    expect((await runCli(["decrypt", "--extract", '["zz"]', sealed], { env: keyEnv })).code).toBe(1)
  })
})

describe(".sops.yaml creation rules", () => {
  it("should take the keys and encrypted_regex of the first matching rule", async () => {
    const dir = join(tmp.path, "repo")
    write("repo-placeholder", "")
    await import("node:fs/promises").then((fs) => fs.mkdir(join(dir, "k8s"), { recursive: true }))
    writeFileSync(
      join(dir, ".sops.yaml"),
      `creation_rules:\n  - path_regex: k8s/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipient}\n`,
    )
    const file = join(dir, "k8s", "secret.yaml")
    writeFileSync(file, "kind: Secret\nstringData:\n    password: hunter2\n")
    const res = await runCli(["encrypt", file], { cwd: dir })
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^kind: Secret\nstringData:\n {4}password: ENC\[/)
    expect(res.stdout).toContain("encrypted_regex: ^(data|stringData)$")
    expect(existsSync(file)).toBe(true)
  })
})

function typeOf(name: string): string {
  if (name.endsWith(".yaml")) return "yaml"
  if (name.endsWith(".json")) return "json"
  if (name.endsWith(".env")) return "dotenv"
  if (name.endsWith(".ini")) return "ini"
  return "binary"
}

function leftoverTempFiles(): string[] {
  return readdirSync(tmp.path).filter((f) => f.endsWith(".tmp"))
}

describe("errors never carry values", () => {
  it.each([
    ["leak1.yaml", "password: hunter2-secret\n  bad: [hunter2-secret\n"],
    ["leak2.yaml", "a: 'hunter2-secret\n"],
    ["leak3.json", '{"password": "hunter2-secret", }'],
    ["leak4.env", "hunter2-secret\n"],
  ])("%s: the parse error names the file but not the text", async (name, text) => {
    const file = write(name, text)
    const res = await runCli(["encrypt", "--age", recipient, file])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain(name)
    expect(res.stderr).not.toContain("hunter2")
  })
})

describe(".sops.yaml stores settings", () => {
  it("should indent sealed YAML as stores.yaml.indent says, unless --indent is given", async () => {
    const dir = join(tmp.path, "stores")
    await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }))
    writeFileSync(
      join(dir, ".sops.yaml"),
      `creation_rules:\n  - age: ${recipient}\nstores:\n  yaml:\n    indent: 2\n`,
    )
    const file = join(dir, "i.yaml")
    writeFileSync(file, "a:\n    b: c\n")
    const two = await runCli(["encrypt", file], { cwd: dir })
    expect(two.stdout).toMatch(/^a:\n {2}b: ENC\[/)
    const six = await runCli(["encrypt", "--indent", "6", file], { cwd: dir })
    expect(six.stdout).toMatch(/^a:\n {6}b: ENC\[/)
  })
})
