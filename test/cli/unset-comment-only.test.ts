import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// `unset` of a map's last key when comments stay in it: sops 3.13.2 writes the map left with
// comments only as go-yaml writes it, an empty flow map around them with its `}` at column 0
// (`a: {\n    #ENC[…]\n}`), and opens that file as `a: {}` (the comments dropped). sealbridge wrote
// the comments as block lines (`a:\n    #ENC[…]`), which read back as `a: null`. Each case: a file
// sealed by sops, the path, the data part sops' `unset` left (values still sealed, so sealbridge
// must write the same bytes), sops' whole file, and sops' `decrypt` of it.
interface Case {
  readonly name: string
  readonly path: string
  readonly sealed: string
  readonly unset: string
  /** sops' whole file after its `unset`. */
  readonly unsetFile: string
  readonly decrypted: string
}
const cases = JSON.parse(
  readFileSync("test/fixtures/sops-unset/comment-only-maps.sops-3.13.2.json", "utf8"),
) as Case[]
const env = { SOPS_AGE_KEY_FILE: join(process.cwd(), "test/fixtures/age/identity.txt") }
const tmp = tempDir()
afterAll(tmp.cleanup)
const dataPart = (text: string): string => text.slice(0, text.search(/^sops:$/m))

describe("unset leaving a map with comments only, as sops 3.13.2 writes and opens it", () => {
  it("should hold the cases", () => {
    expect(cases.map((c) => c.name)).toEqual([
      "the last key of a top-level key's map, a comment above it",
      "the last key of a nested map",
      "two comments left",
      "a comment below the key",
      "a nested map, a comment after it in its parent",
    ])
    // One stated: the comment alone, in braces, the `}` at column 0 under a nested key too.
    expect(cases[1]?.unset.replace(/ENC\[[^\]]*\]/g, "E")).toBe("p:\n    a: {\n        #E\n}\nz: E\n")
  })

  it.each(cases.map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, i) => {
    const file = join(tmp.path, `unset-${i}.yaml`)
    writeFileSync(file, c.sealed)
    const res = await runCli(["unset", file, c.path], { env })
    expect(res.stderr).toBe("")
    expect(res.code).toBe(0)
    expect(dataPart(readFileSync(file, "utf8"))).toBe(c.unset)
    // What sealbridge left opens as sops opens it.
    const opened = await runCli(["decrypt", file], { env })
    expect(opened.stderr).toBe("")
    expect(opened.stdout).toBe(c.decrypted)
    // And sops' own file.
    const theirs = join(tmp.path, `sops-unset-${i}.yaml`)
    writeFileSync(theirs, c.unsetFile)
    const back = await runCli(["decrypt", theirs], { env })
    expect(back.stderr).toBe("")
    expect(back.stdout).toBe(c.decrypted)
  })
})
