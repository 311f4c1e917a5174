import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { yamlFormat } from "../../../src/formats/yaml.js"
import { newAgeKey } from "../../helpers/age-setup.js"
import { runBuilt } from "../../helpers/built-cli.js"
import { tempDir } from "../../helpers/cli-io.js"
import { errorOf } from "../../helpers/error-of.js"

// sops 3.13.2 refuses YAML with a control character anywhere ("Error unmarshalling file: yaml:
// control characters are not allowed", exit 2: go-yaml's reader checks every character); the
// yaml package read `\x01secret: d` and sealbridge sealed it under the key "\x01secret". Now
// refused by position only (the text around it may be a secret), on the tree path and on the
// one-pass path of large files, where the character may sit in a comment.
const tmp = tempDir()
afterAll(tmp.cleanup)
let key: Awaited<ReturnType<typeof newAgeKey>>
beforeAll(async () => {
  key = await newAgeKey(tmp.path)
})

const parse = (text: string) => () => yamlFormat.parse(new TextEncoder().encode(text), "f.yaml")

describe("control characters in YAML (issue 8)", () => {
  it.each([
    ["in a key", "a: b\n\x01secret: d\n", "2:1"],
    ["in a plain value", "a: b\nc: se\x02cret\n", "2:6"],
    ["in a quoted value", 'a: "x\x1by"\n', "1:6"],
    ["in a comment", "a: b\n# note\x7f\n", "2:7"],
    ["a C1 control", "a: b\u0090c\n", "1:5"],
    ["a form feed", "a: b\n\x0c\n", "2:1"],
    ["the non-character U+FFFE", "a: \ufffe\n", "1:4"],
  ])("refuses one %s with its line and column only", (_name, text, at) => {
    expect(errorOf(parse(text))).toBe(`FORMAT f.yaml:${at}: control characters are not allowed in yaml`)
  })

  it.each([
    ["tab, CR LF, NEL and a no-break space", "a:\tb\r\nc: d\u0085e\u00a0f\n"],
    ["a character outside the BMP", "a: \u{1f511}\n"],
  ])("reads %s, which go-yaml allows", (_name, text) => {
    expect(parse(text)()).toHaveLength(1)
  })

  it("the built CLI refuses a large file (one-pass path) with the character in its last comment", async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `k${i}: value${i}`)
    const path = join(tmp.path, "big.yaml")
    writeFileSync(path, `${lines.join("\n")}\n# tail\x01 hidden\n`)
    const r = await runBuilt(["encrypt", "--age", key.recipient, path])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr).toContain(`${path}:20001:7: control characters are not allowed in yaml`)
    expect(r.stderr).not.toContain("hidden")
  })

  it("the built CLI refuses a small file and prints nothing of it", async () => {
    const path = join(tmp.path, "small.yaml")
    writeFileSync(path, "a: b\n\x01secretkey: d\n")
    const r = await runBuilt(["encrypt", "--age", key.recipient, path])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr).toContain(`${path}:2:1: control characters are not allowed in yaml`)
    expect(r.stderr).not.toContain("secretkey")
  })
})
