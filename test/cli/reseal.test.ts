import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// set / unset / edit re-seal with the same data key: unchanged values keep IV and ciphertext.
const tmp = tempDir()
afterAll(tmp.cleanup)
let recipient = ""
let env: Record<string, string> = {}

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  recipient = (await runCli(["keygen", "-o", keyFile])).stdout.trim()
  env = { SOPS_AGE_KEY_FILE: keyFile }
})

async function sealedFile(name: string, text: string): Promise<string> {
  const plain = join(tmp.path, `plain-${name}`)
  writeFileSync(plain, text)
  const file = join(tmp.path, name)
  expect((await runCli(["encrypt", "--age", recipient, "--output", file, plain])).code).toBe(0)
  return file
}

const valueLines = (text: string): string[] =>
  text.split("\n").filter((l) => l.includes("ENC[") && !l.includes("mac:"))

describe("set", () => {
  it("should change one value and keep every other ciphertext byte-identical", async () => {
    const file = await sealedFile("set.yaml", "a: one\nb: two\nc:\n    d: three\n")
    const before = readFileSync(file, "utf8")
    const res = await runCli(["set", file, '["b"]', '"changed"'], { env })
    expect(res.stderr).toBe("")
    expect(res.code).toBe(0)
    const after = readFileSync(file, "utf8")
    const [a0, b0, d0] = valueLines(before)
    const [a1, b1, d1] = valueLines(after)
    expect(a1).toBe(a0)
    expect(d1).toBe(d0)
    expect(b1).not.toBe(b0)
    expect((await runCli(["decrypt", file], { env })).stdout).toBe("a: one\nb: changed\nc:\n    d: three\n")
  })

  it("should leave the file untouched with --idempotent when the value is unchanged", async () => {
    const file = await sealedFile("same.yaml", "a: one\n")
    const before = readFileSync(file, "utf8")
    expect((await runCli(["set", "--idempotent", file, '["a"]', '"one"'], { env })).code).toBe(0)
    expect(readFileSync(file, "utf8")).toBe(before)
  })

  it("should rewrite the file without --idempotent (new MAC) but keep the value's ciphertext, as sops", async () => {
    const file = await sealedFile("same2.yaml", "a: one\n")
    const before = readFileSync(file, "utf8")
    const res = await runCli(["set", file, '["a"]', '"one"'], { env })
    expect(res.code).toBe(0)
    const after = readFileSync(file, "utf8")
    expect(valueLines(after)[0]).toBe(valueLines(before)[0])
    expect(after).not.toBe(before)
  })

  it("should create missing maps and store a bare number as a float, as sops does", async () => {
    const file = await sealedFile("new.json", '{\n\t"a": "x"\n}\n')
    expect((await runCli(["set", file, '["n"]["m"]', "5"], { env })).code).toBe(0)
    const opened = await runCli(["decrypt", file], { env })
    expect(opened.stdout).toBe('{\n\t"a": "x",\n\t"n": {\n\t\t"m": 5\n\t}\n}\n')
    expect(readFileSync(file, "utf8")).toMatch(/"m": "ENC\[[^\]]*type:float\]"/)
  })

  it("should exit 7 for a malformed path or a value that is not JSON", async () => {
    const file = await sealedFile("bad.yaml", "a: one\n")
    expect((await runCli(["set", file, "zz", '"x"'], { env })).code).toBe(7)
    expect((await runCli(["set", file, '["a"]', "not json"], { env })).code).toBe(7)
  })
})

describe("unset", () => {
  it("should remove a key and keep the other ciphertexts", async () => {
    const file = await sealedFile("unset.yaml", "a: one\nb: two\nc: three\n")
    const [a0, , c0] = valueLines(readFileSync(file, "utf8"))
    expect((await runCli(["unset", file, '["b"]'], { env })).code).toBe(0)
    expect(valueLines(readFileSync(file, "utf8"))).toEqual([a0, c0])
    expect((await runCli(["unset", file, '["zz"]'], { env })).code).toBe(1)
  })
})

describe("edit", () => {
  it("should re-seal what the editor changed and keep the rest", async () => {
    const file = await sealedFile("edit.yaml", "a: one\nb: two\n")
    const [a0] = valueLines(readFileSync(file, "utf8"))
    const script = join(tmp.path, "editor.sh")
    writeFileSync(script, `#!/bin/sh\nsed -i 's/two/TWO/' "$1"\n`, { mode: 0o755 })
    const res = await runCli(["edit", file], { env: { ...env, EDITOR: script } })
    expect(res.stderr).toBe("")
    expect(res.code).toBe(0)
    expect(valueLines(readFileSync(file, "utf8"))[0]).toBe(a0)
    expect((await runCli(["decrypt", file], { env })).stdout).toBe("a: one\nb: TWO\n")
  })

  it("should exit 200 and leave the file alone when nothing changed", async () => {
    const file = await sealedFile("noedit.yaml", "a: one\n")
    const before = readFileSync(file, "utf8")
    const res = await runCli([file], { env: { ...env, EDITOR: "true" } })
    expect(res.code).toBe(200)
    expect(readFileSync(file, "utf8")).toBe(before)
  })
})
