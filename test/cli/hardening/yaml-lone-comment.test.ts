import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runBuilt } from "../../helpers/built-cli.js"
import { newAgeKey } from "../../helpers/age-setup.js"
import { tempDir } from "../../helpers/cli-io.js"

// A comment line that is just `#` is an empty comment to sops 3.13 (go-yaml): written back as
// `#`, never sealed (an empty value is not encrypted), and an entry of the comment stack whose
// text is "" for the comment rules. `#` followed by spaces is a comment of those spaces, sealed.
// Before, every YAML reader here took a lone `#` as " " and sealed it. Checked against the
// real sops in test/integration/sops-hardening.test.ts.
const tmp = tempDir()
afterAll(tmp.cleanup)
let key: Awaited<ReturnType<typeof newAgeKey>>
beforeAll(async () => {
  key = await newAgeKey(tmp.path)
})

const SEALED_COMMENT = /^ *#ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:comment\]$/

// Lone `#` at the top, between entries, in a nested map, in a list, after a value on its line,
// at the end of the file without a newline; `# ` and `#   ` (spaces only) beside them.
const plain = [
  "#",
  "a: alpha-plain",
  "#",
  "b: beta-plain #",
  "# ",
  "c:",
  "    #",
  "    d: delta-plain",
  "    #   ",
  "    e:",
  "        - 1",
  "        #",
  "        - 2",
  "#",
].join("\n")

function file(name: string, text: string): string {
  const p = join(tmp.path, name)
  writeFileSync(p, text)
  return p
}

describe("a lone # YAML comment (issue 8)", () => {
  it("encrypt keeps every lone # as it is, seals # followed by spaces, decrypt gives it back", async () => {
    const sealed = await runBuilt(["encrypt", "--age", key.recipient, file("lone.yaml", plain)])
    expect(sealed.code).toBe(0)
    const lines = sealed.stdout.split("\n")
    const body = lines.slice(0, lines.indexOf("sops:"))
    expect(body.filter((l) => /^ *#$/.test(l))).toEqual(["#", "#", "    #", "        #", "#"])
    expect(body[3]).toMatch(/^b: ENC\[[^\]]+\] #$/)
    // `# ` and `#   `: sealed comments (of 1 and 3 bytes of plaintext).
    const sealedComments = body.filter((l) => SEALED_COMMENT.test(l))
    expect(sealedComments.map((l) => /data:([^,]+)/.exec(l)?.[1])).toEqual([
      expect.stringMatching(/^.{2}==$/),
      expect.stringMatching(/^.{4}$/),
    ])
    expect(sealed.stdout).not.toContain("plain")

    const back = await runBuilt(["decrypt", file("lone.sealed.yaml", sealed.stdout)], { env: key.env })
    expect(back.code).toBe(0)
    expect(back.stdout).toBe(`${plain}\n`)
  })

  it("the one-pass path (a file over 1 MiB) keeps lone # lines the same way", async () => {
    const parts = ["#"]
    for (let i = 0, size = 0; size < (1 << 20) + 4096; i++) {
      const entry = [`k${i}:`, `    v: value-${i}`, "    #", `    w: ${i}`, "#"]
      parts.push(...entry)
      size += entry.join("\n").length + 1
    }
    const text = parts.join("\n") + "\n"
    const sealed = await runBuilt(["encrypt", "--age", key.recipient, file("big.yaml", text)])
    expect(sealed.code).toBe(0)
    expect(sealed.stdout.startsWith("#\nk0:\n    v: ENC[")).toBe(true)
    expect(sealed.stdout).not.toContain("type:comment")
    const back = await runBuilt(["decrypt", file("big.sealed.yaml", sealed.stdout)], { env: key.env })
    expect(back.code).toBe(0)
    expect(back.stdout).toBe(text)
  }, 60_000)

  it("the comment rules see a lone # as the empty comment", async () => {
    const text = "a: alpha-plain\n#\nb: beta-plain\nc: gamma-plain\n"
    const cases: [string, string, string[]][] = [
      // unencrypted_comment_regex ^$: the key under `#` stays clear, the others are sealed.
      ["unencrypted_comment_regex", "^$", ["a", "c"]],
      // ^ $ (a single space) no longer matches a lone #: every value is sealed.
      ["unencrypted_comment_regex", "^ $", ["a", "b", "c"]],
      // encrypted_comment_regex ^$: only the key under `#` is sealed.
      ["encrypted_comment_regex", "^$", ["b"]],
      ["encrypted_comment_regex", "^ $", []],
    ]
    for (const [i, [rule, regex, sealedKeys]] of cases.entries()) {
      const dir = join(tmp.path, `rules-${i}`)
      mkdirSync(dir)
      writeFileSync(
        join(dir, ".sops.yaml"),
        `creation_rules:\n  - age: ${key.recipient}\n    ${rule}: "${regex}"\n`,
      )
      writeFileSync(join(dir, "r.yaml"), text)
      const r = await runBuilt(["encrypt", "r.yaml"], { cwd: dir })
      expect(r.code, `${rule} ${regex}: ${r.stderr}`).toBe(0)
      const sealedNow = [...r.stdout.matchAll(/^([abc]): ENC\[/gm)].map((m) => m[1])
      expect(sealedNow, `${rule} ${regex}`).toEqual(sealedKeys)
      expect(r.stdout).toContain("\n#\nb: ")
    }
  })
})
