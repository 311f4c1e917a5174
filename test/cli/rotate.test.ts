import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// rotate: a new data key for every value, recipients added or removed.
const tmp = tempDir()
afterAll(tmp.cleanup)
const keys: { file: string; recipient: string }[] = []

beforeAll(async () => {
  for (const name of ["a", "b"]) {
    const file = join(tmp.path, `${name}.txt`)
    keys.push({ file, recipient: (await runCli(["keygen", "-o", file])).stdout.trim() })
  }
})

const envFor = (i: number): Record<string, string> => ({ SOPS_AGE_KEY_FILE: keys[i]?.file ?? "" })
const values = (text: string): string[] => text.split("\n").filter((l) => /^"?[xy]"?: ENC/.test(l))

describe("rotate", () => {
  it("should re-seal every value under a new data key and move the file to another recipient", async () => {
    const plain = join(tmp.path, "r.yaml")
    writeFileSync(plain, "x: one\ny: two\n")
    const file = join(tmp.path, "r.sealed.yaml")
    expect((await runCli(["encrypt", "--age", keys[0]?.recipient ?? "", "--output", file, plain])).code).toBe(
      0,
    )
    const before = readFileSync(file, "utf8")
    const res = await runCli(
      ["rotate", "-i", "--add-age", keys[1]?.recipient ?? "", "--rm-age", keys[0]?.recipient ?? "", file],
      { env: envFor(0) },
    )
    expect(res.stderr).toBe("")
    expect(res.code).toBe(0)
    const after = readFileSync(file, "utf8")
    const [x0, y0] = values(before)
    const [x1, y1] = values(after)
    expect(x1).not.toBe(x0)
    expect(y1).not.toBe(y0)
    expect(after).not.toContain(keys[0]?.recipient ?? "")
    expect((await runCli(["decrypt", file], { env: envFor(1) })).stdout).toBe('x: one\n"y": two\n')
    expect((await runCli(["decrypt", file], { env: envFor(0) })).code).toBe(128)
  })

  it("should accept sops' legacy -r form and refuse to remove the last key", async () => {
    const plain = join(tmp.path, "l.json")
    writeFileSync(plain, '{"x": "one"}')
    const file = join(tmp.path, "l.sealed.json")
    await runCli(["encrypt", "--age", keys[0]?.recipient ?? "", "--output", file, plain])
    const rotated = await runCli(["-r", file], { env: envFor(0) })
    expect(rotated.code).toBe(0)
    expect(rotated.stdout).toContain('"sops": {')
    const none = await runCli(["rotate", "--rm-age", keys[0]?.recipient ?? "", file], { env: envFor(0) })
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/no master key/)
  })
})
