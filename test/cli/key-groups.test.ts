import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// key_groups + shamir_threshold from .sops.yaml: any 2 of 3 groups open the file, 1 does not.
const tmp = tempDir()
afterAll(tmp.cleanup)
const keys: { file: string; recipient: string }[] = []

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const file = join(tmp.path, `k${i}.txt`)
    keys.push({ file, recipient: (await runCli(["keygen", "-o", file])).stdout.trim() })
  }
  const groups = keys.map((k) => `      - age: [${k.recipient}]`).join("\n")
  writeFileSync(
    join(tmp.path, ".sops.yaml"),
    `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n${groups}\n`,
  )
})

const identities = (...idx: number[]): string =>
  idx.map((i) => readFileSync(keys[i]?.file ?? "", "utf8")).join("\n")

describe("Shamir key groups", () => {
  it("should write key_groups and open with any two groups but not one", async () => {
    const dir = join(tmp.path, "app")
    mkdirSync(dir, { recursive: true })
    const plain = join(dir, "s.yaml")
    writeFileSync(plain, "password: hunter2\n")
    const sealed = await runCli(["encrypt", plain], { cwd: tmp.path })
    expect(sealed.stderr).toBe("")
    expect(sealed.stdout).toContain("key_groups:")
    expect(sealed.stdout).toContain("shamir_threshold: 2")
    const file = join(dir, "s.sealed.yaml")
    writeFileSync(file, sealed.stdout)
    for (const pair of [
      [0, 1],
      [1, 2],
      [0, 2],
    ]) {
      const r = await runCli(["decrypt", file], { env: { SOPS_AGE_KEY: identities(...pair) } })
      expect(r.code).toBe(0)
      expect(r.stdout).toBe("password: hunter2\n")
    }
    const one = await runCli(["decrypt", file], { env: { SOPS_AGE_KEY: identities(2) } })
    expect(one.code).toBe(128)
    expect(one.stdout).toBe("")
  })
})
