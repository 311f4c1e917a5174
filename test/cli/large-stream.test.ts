import { appendFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openFileSource } from "../../cli/file-source.js"
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

describe("large files read in pieces when sealed", () => {
  for (const [name, make] of [
    ["pieces.yaml", bigYaml],
    ["pieces.json", bigJson],
    ["pieces.bin", () => "\u0000\u00ff".repeat(600_000)],
  ] as const) {
    it(`should seal ${name} without reading it whole, opening to the input`, async () => {
      const file = join(tmp.path, name)
      writeFileSync(file, make())
      const sealed = join(tmp.path, `sealed.${name}`)
      // Sealing, and opening YAML and JSON (also in pieces), get along without reading it whole.
      const refuse = (p: string): Promise<Uint8Array> =>
        p === file || (p === sealed && !name.endsWith(".bin"))
          ? Promise.reject(new Error("read whole"))
          : Promise.resolve(readFileSync(p))
      const res = await runCli(["encrypt", "--age", recipient, "--output", sealed, file], {
        io: { readFile: refuse },
      })
      expect(res.stderr).toBe("")
      expect(res.code).toBe(0)
      const opened = await runCli(["decrypt", sealed], { env: keyEnv, io: { readFile: refuse } })
      expect(opened.code).toBe(0)
      const text = readFileSync(file, "utf8")
      expect(opened.stdout).toBe(
        name.endsWith(".json") ? JSON.stringify(JSON.parse(text), null, "\t") + "\n" : text,
      )
    }, 120_000)
  }

  it("should read a file the one-pass path refuses whole, and seal it as before", async () => {
    const file = join(tmp.path, "flow.yaml")
    writeFileSync(file, bigYaml() + "flow: [1, 2]\n")
    const sealed = join(tmp.path, "flow.enc.yaml")
    expect((await runCli(["encrypt", "--age", recipient, "--output", sealed, file])).code).toBe(0)
    expect(readFileSync(sealed, "utf8")).toMatch(/\nflow:\n/)
    const opened = await runCli(["decrypt", sealed], { env: keyEnv })
    expect(opened.stdout).toBe(
      readFileSync(file, "utf8").replace("flow: [1, 2]\n", "flow:\n    - 1\n    - 2\n"),
    )
  }, 120_000)
})

describe("a large input file open in pieces", () => {
  it("should be null for a small file, a directory and a missing file", () => {
    const small = join(tmp.path, "small.yaml")
    writeFileSync(small, "a: 1\n")
    const dir = join(tmp.path, "a-dir")
    mkdirSync(dir, { recursive: true })
    for (const p of [small, dir, join(tmp.path, "missing.yaml")]) expect(openFileSource(p)).toBeNull()
  })

  it("should tell when the file grew or was rewritten in place since it was opened", () => {
    const file = join(tmp.path, "moving.yaml")
    for (const change of [
      () => appendFileSync(file, "x: 1\n"),
      () => utimesSync(file, new Date(), new Date(Date.now() + 5000)),
    ]) {
      writeFileSync(file, bigYaml())
      const src = openFileSource(file)
      if (src === null) throw new Error("not opened")
      try {
        expect(src.stamp()).toBe(src.opened)
        const head = Buffer.alloc(7)
        expect(src.source.read(head, 0)).toBe(7)
        expect(head.toString()).toBe("# large")
        change()
        expect(src.stamp()).not.toBe(src.opened)
      } finally {
        src.close()
      }
    }
  })
})
