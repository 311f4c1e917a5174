import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { realIO } from "../../cli/io.js"
import { openersFor } from "../../cli/key-backends.js"
import { decryptInPieces } from "../../cli/open-pieces.js"
import { resolveTarget } from "../../cli/target.js"
import type { SealFlags } from "../../cli/options.js"
import { runCli, tempDir } from "../helpers/cli-io.js"
import { changeClearValue } from "../helpers/tamper-clear.js"

// `decrypt` of a large sealed YAML/JSON file reads it in pieces and stages the plaintext in a
// temp file: the same output as before to stdout, --output and -i, nothing written and no temp
// file left when the MAC or a value fails.

const tmp = tempDir()
afterAll(tmp.cleanup)
let recipient = ""
let keyEnv: Record<string, string> = {}
const id = Math.random().toString(36).slice(2, 8)

function bigYaml(): string {
  const lines = ["# large é"]
  for (let i = 0; i < 20_000; i++) lines.push(`svc_${i}:`, `    user: user-${i} 😀`, `    pw: p-${i}`)
  lines.push("note_unencrypted: clear")
  return lines.join("\n") + "\n"
}

function bigJson(): string {
  const items = Array.from({ length: 20_000 }, (_, i) => `{"id": ${i}, "r": ${i}.5, "t": "tök-${i}\\n"}`)
  return `{"items": [${items.join(", ")}], "note_unencrypted": "clear"}`
}

// sops (go-yaml) writes a character beyond the BMP escaped, in double quotes.
const plainOf = (text: string): string =>
  text.endsWith("}")
    ? JSON.stringify(JSON.parse(text), null, "\t") + "\n"
    : text.replace(/(user-\d+) 😀/g, '"$1 \\U0001F600"')

/** Files a sealbridge run may leave: temp names beside the target or in the temp directory. */
const temps = (dir: string, base: string): string[] => [
  ...readdirSync(dir).filter((n) => n.includes(".sealbridge-tmp-")),
  ...readdirSync(tmpdir()).filter((n) => n.startsWith(`.${base}.sealbridge-tmp-`)),
]

const cases = [
  [`big-${id}.yaml`, bigYaml()],
  [`big-${id}.json`, bigJson()],
] as const
const sealedPath = (name: string): string => join(tmp.path, `sealed.${name}`)

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  const res = await runCli(["keygen", "-o", keyFile])
  expect(res.code).toBe(0)
  recipient = res.stdout.trim()
  keyEnv = { SOPS_AGE_KEY_FILE: keyFile }
  for (const [name, text] of cases) {
    writeFileSync(join(tmp.path, name), text)
    const out = await runCli([
      "encrypt",
      "--age",
      recipient,
      "--output",
      sealedPath(name),
      join(tmp.path, name),
    ])
    expect(out.code).toBe(0)
  }
}, 120_000)

describe("decrypt of a large sealed YAML/JSON file read in pieces", () => {
  for (const [name, text] of cases) {
    it(`should open ${name} to stdout, --output and -i as the input, 0600`, async () => {
      const sealed = sealedPath(name)
      const opened = await runCli(["decrypt", sealed], { env: keyEnv })
      expect(opened.stderr).toBe("")
      expect(opened.code).toBe(0)
      expect(opened.stdout).toBe(plainOf(text))
      const out = join(tmp.path, `out.${name}`)
      expect((await runCli(["decrypt", "--output", out, sealed], { env: keyEnv })).code).toBe(0)
      expect(readFileSync(out, "utf8")).toBe(plainOf(text))
      expect(statSync(out).mode & 0o777).toBe(0o600)
      const inPlace = join(tmp.path, `inplace.${name}`)
      writeFileSync(inPlace, readFileSync(sealed))
      expect((await runCli(["decrypt", "-i", inPlace], { env: keyEnv })).code).toBe(0)
      expect(readFileSync(inPlace, "utf8")).toBe(plainOf(text))
      expect(statSync(inPlace).mode & 0o777).toBe(0o600)
      expect(temps(tmp.path, `sealed.${name}`)).toEqual([])
    }, 120_000)

    it(`should take the piece path for ${name} (and hand --extract and stdin over)`, async () => {
      const sealed = sealedPath(name)
      const out: Uint8Array[] = []
      const io = {
        ...realIO(),
        env: keyEnv,
        writeOut: (d: Uint8Array | string) => void out.push(Buffer.from(d)),
        writeOutNow: (d: Uint8Array) => void out.push(Buffer.from(d)),
      }
      const run = (flags: SealFlags, file: string | undefined = sealed): Promise<boolean> => {
        const target = resolveTarget(file, flags, false)
        return decryptInPieces(target, flags, io, () => ({
          source: target.name,
          inputFormat: target.inputFormat,
          outputFormat: target.outputFormat,
          openers: openersFor(io, flags),
          ignoreMac: false,
        }))
      }
      expect(await run({})).toBe(true)
      expect(Buffer.concat(out).toString("utf8")).toBe(plainOf(text))
      expect(await run({ extract: '["note_unencrypted"]' })).toBe(false)
      expect(await run({ outputType: "dotenv" })).toBe(false)
      expect(await run({}, "-")).toBe(false)
      const small = join(tmp.path, `small.${name}`)
      writeFileSync(small, readFileSync(sealed).subarray(0, 1000))
      expect(await run({}, small)).toBe(false)
    }, 120_000)

    for (const [what, edit, code] of [
      ["a changed clear value (MAC)", (t: string) => changeClearValue(t), 51],
      [
        "a changed sealed value",
        (t: string) =>
          t.replace(
            /(: "?ENC\[AES256_GCM,data:)([A-Za-z0-9+/])/,
            (_, a: string, c: string) => a + (c === "A" ? "B" : "A"),
          ),
        25,
      ],
    ] as const) {
      it(`should refuse ${name} with ${what}: exit ${code}, nothing written, no temp file left`, async () => {
        const bad = join(tmp.path, `bad${code}.${name}`)
        const sealedText = readFileSync(sealedPath(name), "utf8")
        const badText = edit(sealedText)
        expect(badText).not.toBe(sealedText)
        writeFileSync(bad, badText)
        const toStdout = await runCli(["decrypt", bad], { env: keyEnv })
        expect(toStdout.code).toBe(code)
        expect(toStdout.stdout).toBe("")
        const out = join(tmp.path, `bad-out${code}.${name}`)
        expect((await runCli(["decrypt", "--output", out, bad], { env: keyEnv })).code).toBe(code)
        expect(existsSync(out)).toBe(false)
        expect((await runCli(["decrypt", "-i", bad], { env: keyEnv })).code).toBe(code)
        expect(readFileSync(bad, "utf8")).toBe(badText)
        expect(temps(tmp.path, `bad${code}.${name}`)).toEqual([])
      }, 120_000)
    }
  }
})
