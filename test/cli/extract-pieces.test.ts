import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { extractInPieces } from "../../cli/extract-pieces.js"
import { realIO } from "../../cli/io.js"
import { openersFor } from "../../cli/key-backends.js"
import type { SealFlags } from "../../cli/options.js"
import { resolveTarget } from "../../cli/target.js"
import { parseExtractPath } from "../../src/index.js"
import { runCli, tempDir } from "../helpers/cli-io.js"
import { changeClearValue } from "../helpers/tamper-clear.js"

// `decrypt --extract` of a large sealed YAML/JSON file goes through the piece window: the same
// bytes, exit status and message as the whole-file path (here: the same file piped in, which
// the tree path reads), for scalars, maps, lists and missing keys.

const tmp = tempDir()
afterAll(tmp.cleanup)
let keyEnv: Record<string, string> = {}

function bigYaml(): string {
  const lines = ["# large"]
  for (let i = 0; i < 6_000; i++)
    lines.push(`svc_${i}:`, `    user: user-${i} 😀`, `    pw: p-${i}`, "    # after pw", `    num: ${i}`)
  lines.push("list:", "    - a", "    - k: v", "      j: 2.5", "note_unencrypted: clear")
  return lines.join("\n") + "\n"
}

function bigJson(): string {
  const items = Array.from({ length: 20_000 }, (_, i) => `{"id": ${i}, "r": ${i}.5, "t": "tök-${i}\\n"}`)
  return `{"items": [${items.join(", ")}], "m": {"a": [1, {"b": null}]}, "note_unencrypted": "clear"}`
}

const cases = [
  [
    "big.yaml",
    bigYaml(),
    [
      '["svc_7"]["pw"]',
      '["svc_7"]',
      '["list"]',
      '["list"][1]',
      '["svc_19999"]["n"]',
      '["nope"]',
      '["list"][9]',
      '["svc_7"][0]',
    ],
  ],
  [
    "big.json",
    bigJson(),
    [
      '["items"][3]["t"]',
      '["items"][5]',
      '["m"]',
      '["m"]["a"]',
      '["items"][19999]["r"]',
      '["nope"]',
      '["items"][20000]',
      '["m"]["a"]["x"]',
    ],
  ],
] as const
const sealedPath = (name: string): string => join(tmp.path, `sealed.${name}`)

beforeAll(async () => {
  const keyFile = join(tmp.path, "keys.txt")
  const res = await runCli(["keygen", "-o", keyFile])
  expect(res.code).toBe(0)
  keyEnv = { SOPS_AGE_KEY_FILE: keyFile }
  for (const [name, text] of cases) {
    writeFileSync(join(tmp.path, name), text)
    const args = ["encrypt", "--age", res.stdout.trim(), "--output", sealedPath(name), join(tmp.path, name)]
    expect((await runCli(args)).code).toBe(0)
  }
}, 120_000)

describe("decrypt --extract of a large sealed file, in pieces", () => {
  for (const [name, , paths] of cases) {
    it(`should extract from ${name} what the whole-file path extracts, errors included`, async () => {
      const sealed = sealedPath(name)
      const input = readFileSync(sealed)
      for (const path of paths) {
        for (const extra of [[], ["--ignore-mac", "--output-type", "json"]]) {
          const args = ["decrypt", "--extract", path, ...extra]
          const fast = await runCli([...args, sealed], { env: keyEnv })
          const whole = await runCli([...args, "--filename-override", sealed], { env: keyEnv, stdin: input })
          expect(fast.stdout, `${path} ${extra.join(" ")}`).toBe(whole.stdout)
          expect(fast.stderr).toBe(whole.stderr)
          expect(fast.code).toBe(whole.code)
        }
      }
    }, 240_000)

    it(`should take the piece path for --extract of ${name}, and print nothing when the MAC fails`, async () => {
      const sealed = sealedPath(name)
      const out: Uint8Array[] = []
      const io = {
        ...realIO(),
        env: keyEnv,
        writeOut: (d: Uint8Array | string) => void out.push(Buffer.from(d)),
      }
      const run = (flags: SealFlags, file = sealed): Promise<boolean> => {
        const target = resolveTarget(file, flags, false)
        return extractInPieces(target, flags, io, () => ({
          source: target.name,
          inputFormat: target.inputFormat,
          outputFormat: target.outputFormat,
          openers: openersFor(io, flags),
          ignoreMac: false,
          ...(flags.extract === undefined ? {} : { extract: parseExtractPath(flags.extract) }),
        }))
      }
      expect(await run({ extract: '["note_unencrypted"]' })).toBe(true)
      expect(Buffer.concat(out).toString("utf8")).toBe("clear")
      expect(await run({})).toBe(false)
      expect(await run({ extract: '["note_unencrypted"]', inPlace: true })).toBe(false)
      expect(await run({ extract: '["note_unencrypted"]' }, "-")).toBe(false)
      const bad = join(tmp.path, `bad.${name}`)
      writeFileSync(bad, changeClearValue(readFileSync(sealed, "utf8")))
      const r = await runCli(["decrypt", "--extract", '["note_unencrypted"]', bad], { env: keyEnv })
      expect(r.code).toBe(51)
      expect(r.stdout).toBe("")
      // With --ignore-mac the extracted value is printed, as the whole-file path does.
      const ok = await runCli(["decrypt", "--ignore-mac", "--extract", '["note_unencrypted"]', bad], {
        env: keyEnv,
      })
      expect(ok.code).toBe(0)
      expect(ok.stdout).toBe("clean")
    }, 120_000)
  }
})
