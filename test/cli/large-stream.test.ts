import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Files of 1 MiB and more are sealed in one pass, written in pieces to stdout, --output and -i.

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

function bigYaml(): string {
  const lines = ["# large"]
  for (let i = 0; i < 25_000; i++) lines.push(`svc_${i}:`, `    user: user-${i}`, `    pw: p-${i}`)
  return lines.join("\n") + "\n"
}

function bigJson(): string {
  const items = Array.from({ length: 25_000 }, (_, i) => `{"id": ${i}, "r": ${i}.5, "t": "tok-${i}\\n"}`)
  return `{"items": [${items.join(", ")}], "n": null}`
}

describe("large YAML and JSON files sealed in one pass", () => {
  for (const [name, text] of [
    ["big.yaml", bigYaml()],
    ["big.json", bigJson()],
  ] as const) {
    it(`should seal ${name} the same to stdout, --output and in place, opening to the input`, async () => {
      expect(text.length).toBeGreaterThan(1 << 20)
      const file = join(tmp.path, name)
      writeFileSync(file, text)
      const out = await runCli(["encrypt", "--age", recipient, file])
      expect(out.stderr).toBe("")
      expect(out.code).toBe(0)
      expect(out.stdout).not.toContain("user-7")
      const viaStdout = join(tmp.path, `stdout.${name}`)
      writeFileSync(viaStdout, out.stdoutBytes)
      const viaOutput = join(tmp.path, `output.${name}`)
      expect((await runCli(["encrypt", "--age", recipient, "--output", viaOutput, file])).code).toBe(0)
      const inPlace = join(tmp.path, `inplace.${name}`)
      writeFileSync(inPlace, text)
      expect((await runCli(["encrypt", "-i", "--age", recipient, inPlace])).code).toBe(0)
      // Random values, keys and times aside, the three files are the same; one is opened.
      const masked = (f: string): string =>
        readFileSync(f, "utf8")
          .replace(/ENC\[[^\]]*\]/g, "ENC")
          .replace(/(lastmodified"?: )"[^"]*"/, "$1")
          .replace(/-----BEGIN AGE[^]*?-----END AGE ENCRYPTED FILE-----/g, "AGE")
      expect(masked(viaOutput)).toBe(masked(viaStdout))
      expect(masked(inPlace)).toBe(masked(viaStdout))
      expect(masked(viaStdout)).toMatch(/\n\s*"?sops"?:/)
      const opened = await runCli(["decrypt", viaStdout], { env: keyEnv })
      expect(opened.stderr).toBe("")
      expect(opened.stdout).toBe(
        text.endsWith("}") ? JSON.stringify(JSON.parse(text), null, "\t") + "\n" : text,
      )
    }, 120_000)
  }
})
