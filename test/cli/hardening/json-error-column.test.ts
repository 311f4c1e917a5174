import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newAgeKey } from "../../helpers/age-setup.js"
import { runBuilt } from "../../helpers/built-cli.js"
import { tempDir } from "../../helpers/cli-io.js"

// A broken plain JSON file's error names line:column of the offending character — the one Go's
// encoding/json names in sops' message ("invalid character '"' after object key:value pair",
// "'\t' in string literal"); sops itself prints no position. The column was one past it for
// separator, control-character and escape errors.
const tmp = tempDir()
afterAll(tmp.cleanup)
let key: Awaited<ReturnType<typeof newAgeKey>>
beforeAll(async () => {
  key = await newAgeKey(tmp.path)
})

describe("encrypt of a broken JSON file", () => {
  it.each([
    [
      "missing-comma.json",
      '{\n  "a": "alpha-secret"\n  "b": 2\n}\n',
      "3:3",
      'expected "," or "}" in an object',
    ],
    ["control.json", '{\n  "a": "x\tsecret"\n}\n', "2:10", "control character in a string"],
    ["escape.json", '{"a": "\\qsecret"}', "1:9", "bad escape in a string"],
    ["array.json", '{"a": [1 2]}', "1:10", 'expected "," or "]" in an array'],
  ])("%s: exit 2, the offending character's line:column, no input echoed", async (name, text, at, why) => {
    const p = join(tmp.path, name)
    writeFileSync(p, text)
    const r = await runBuilt(["encrypt", "--age", key.recipient, p])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr.split("\n")[0]).toBe(`sealbridge: ${p}:${at}: invalid json: ${why}`)
    expect(r.stderr).not.toContain("secret")
  })
})
