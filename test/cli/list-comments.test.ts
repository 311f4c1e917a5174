import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../helpers/cli-io.js"

// Comments inside YAML lists. sops (3.13.3, and every release up to 3.13.1) seals such a comment
// as a list item, `- ENC[…,type:comment]`, leaves it out of the MAC, and opens it back into a
// comment. sealbridge refused those files (exit 25, "unknown sealed value type") and wrote the
// comment as a `#ENC[…]` line. sops 3.13.2 fails its own MAC on them (getsops/sops#2243), so the
// fixture comes from 3.13.3 (scripts/sops-list-comments.mjs): the plaintext, the flags, sops'
// sealed file and sops' decrypt of it.
interface Case {
  readonly name: string
  readonly plain: string
  readonly flags: readonly string[]
  readonly sealed: string
  readonly decrypted: string
}
interface Extract {
  readonly type: string
  readonly path: string
  readonly stdout: string
  readonly code: number
}
interface Edit {
  readonly args: readonly string[]
  readonly code: number
  /** sops' decrypt of the file after the edit (or as it was, when the edit failed). */
  readonly decrypted: string
}
interface Emptied {
  readonly name: string
  readonly plain: string
  /** What was unset in sops' sealed file (null: nothing). */
  readonly path: string | null
  readonly sealed: string
  /** sops' file after the unset. */
  readonly after: string
  readonly decrypted: string
}
const { cases, extracts, edits, emptied } = JSON.parse(
  readFileSync("test/fixtures/sops-list-comments/cases.sops-3.13.3.json", "utf8"),
) as { cases: Case[]; extracts: Extract[]; edits: Edit[]; emptied: Emptied[] }
const env = { SOPS_AGE_KEY_FILE: join(process.cwd(), "test/fixtures/age/identity.txt") }
const recipient = "age1jhrtlvfa2hk9ny5xy7msxjga9gshctfgergzrvrsecr6h9put5fstyweju"
const tmp = tempDir()
afterAll(tmp.cleanup)

const dataPart = (text: string): string => text.slice(0, text.search(/^sops:$/m))
/** The sealed layout: each envelope replaced by its type. */
const shape = (text: string): string =>
  dataPart(text).replace(/ENC\[AES256_GCM,data:[^,]*,iv:[^,]*,tag:[^,]*,type:(\w+)\]/g, "E($1)")

describe("comments inside YAML lists, as sops 3.13.3 seals and opens them", () => {
  it("should hold the cases, each with a comment sealed as a list item", () => {
    expect(cases).toHaveLength(10)
    for (const c of cases) expect(c.sealed).toMatch(/^ *- (- )?ENC\[AES256_GCM,[^\]]*,type:comment\]$/m)
    expect(shape(cases[0]?.sealed ?? "")).toBe("items:\n    - E(comment)\n    - E(str)\n")
  })

  it.each(cases.map((c, i) => [c.name, c, i] as const))(
    "%s: sops' file opens as sops opens it",
    async (_n, c, i) => {
      const file = join(tmp.path, `sops-${i}.yaml`)
      writeFileSync(file, c.sealed)
      const res = await runCli(["decrypt", file], { env })
      expect(res.stderr).toBe("")
      expect(res.code).toBe(0)
      expect(res.stdout).toBe(c.decrypted)
    },
  )

  it.each(cases.map((c, i) => [c.name, c, i] as const))(
    "%s: sealbridge seals it as sops does, and opens its own file",
    async (_n, c, i) => {
      const file = join(tmp.path, `plain-${i}.yaml`)
      writeFileSync(file, c.plain)
      const sealed = await runCli(["encrypt", "--age", recipient, ...c.flags, file], { env })
      expect(sealed.stderr).toBe("")
      expect(sealed.code).toBe(0)
      expect(shape(sealed.stdout)).toBe(shape(c.sealed))
      const ours = join(tmp.path, `ours-${i}.yaml`)
      writeFileSync(ours, sealed.stdout)
      const opened = await runCli(["decrypt", ours], { env })
      expect(opened.stderr).toBe("")
      expect(opened.code).toBe(0)
      expect(opened.stdout).toBe(c.decrypted)
    },
  )

  it("should keep a comment item's bytes when another value is set", async () => {
    const c = cases[1] as Case
    const file = join(tmp.path, "set.yaml")
    writeFileSync(file, c.sealed)
    const item = (t: string): string | undefined => /- ENC\[[^\]]*type:comment\]/.exec(t)?.[0]
    const res = await runCli(["set", file, '["z"]', "2"], { env })
    expect(res.code).toBe(0)
    const after = readFileSync(file, "utf8")
    expect(item(after)).toBe(item(c.sealed))
    expect(shape(after)).toBe("l:\n    - E(str)\n    - E(comment)\n    - E(str)\nz: E(float)\n") // `set` stores a JSON number as a float, as sops does
    const opened = await runCli(["decrypt", file], { env })
    expect(opened.code).toBe(0)
    expect(opened.stdout).toBe(`${c.decrypted}z: 2\n`)
  })

  it("should fail a changed comment item as sops does (exit 25), printing nothing of it", async () => {
    const c = cases[1] as Case
    const file = join(tmp.path, "tampered.yaml")
    writeFileSync(
      file,
      c.sealed.replace(
        /(- ENC\[AES256_GCM,data:)(.)/,
        (_m, a: string, b: string) => a + (b === "A" ? "B" : "A"),
      ),
    )
    const res = await runCli(["decrypt", file], { env })
    expect(res.code).toBe(25)
    expect(res.stdout).toBe("")
    expect(res.stderr).not.toContain("between")
  })

  it("should refuse a sealed comment in place of a map value (exit 25)", async () => {
    const c = cases[1] as Case
    const value = /- (ENC\[[^\]]*type:comment\])/.exec(c.sealed)?.[1] ?? ""
    // Moved to the list's key, where it is not an item (it opens: the AAD is the same path).
    const file = join(tmp.path, "as-value.yaml")
    writeFileSync(file, c.sealed.replace(/^l:\n( {4}- .*\n)+/m, `l: ${value}\n`))
    const res = await runCli(["decrypt", "--ignore-mac", file], { env })
    expect(res.stderr).toContain("a sealed comment in place of a value")
    expect(res.code).toBe(25)
    expect(res.stdout).toBe("")
  })

  it("should hold the extract cases", () => {
    expect(extracts).toHaveLength(12)
    expect(extracts.filter((e) => e.path === '["l"][2]').map((e) => e.stdout)).toEqual(["b", "b", "b"])
  })

  // A list's indices count its comments, as sops' do; an index naming a comment prints sops'
  // Go struct for it (dotenv refuses it, exit 4).
  it.each(extracts.map((e) => [e.type, e.path, e] as const))(
    "should extract %s %s as sops 3.13.3 does",
    async (_t, _p, e) => {
      const file = join(tmp.path, "extract.yaml")
      writeFileSync(file, (cases[1] as Case).sealed)
      for (const ignoreMac of [[], ["--ignore-mac"]]) {
        const res = await runCli(
          ["decrypt", ...ignoreMac, "--output-type", e.type, "--extract", e.path, file],
          {
            env,
          },
        )
        expect(res.stdout).toBe(e.stdout)
        expect(res.code).toBe(e.code)
      }
    },
  )

  it("should hold the set and unset cases", () => {
    expect(edits.map((e) => e.args.join(" "))).toEqual([
      'set ["l"][1] "Z"',
      'set ["l"][2] "Z"',
      'set ["l"][3] "Z"',
      'set ["l"][1]["k"] "Z"',
      'unset ["l"][1]',
      'unset ["l"][2]',
      'unset ["l"][3]',
    ])
  })

  // sops' set and unset count a list's comments too: the index of a comment replaces or removes it.
  it.each(edits.map((e, i) => [e.args.join(" "), e, i] as const))(
    "%s as sops 3.13.3 does",
    async (_n, e, i) => {
      const file = join(tmp.path, `edit-${i}.yaml`)
      writeFileSync(file, (cases[1] as Case).sealed)
      const [command, ...rest] = e.args
      const res = await runCli([command ?? "", file, ...rest], { env })
      expect(res.code).toBe(e.code)
      const opened = await runCli(["decrypt", file], { env })
      expect(opened.code).toBe(0)
      expect(opened.stdout).toBe(e.decrypted)
    },
  )

  // A list left with comments only: go-yaml writes `[]` with the comments beside it (after it at
  // the entry's column; above it in a list). sealbridge wrote them as block lines below the key,
  // which read back as null.
  it.each(emptied.map((e, i) => [e.name, e, i] as const))(
    "%s: written and opened as sops does",
    async (_n, e, i) => {
      const file = join(tmp.path, `emptied-${i}.yaml`)
      writeFileSync(file, e.sealed)
      if (e.path !== null) {
        const res = await runCli(["unset", file, e.path], { env })
        expect(res.stderr).toBe("")
        expect(res.code).toBe(0)
        expect(shape(readFileSync(file, "utf8"))).toBe(shape(e.after))
      }
      const opened = await runCli(["decrypt", file], { env })
      expect(opened.stderr).toBe("")
      expect(opened.code).toBe(0)
      expect(opened.stdout).toBe(e.decrypted)
      // sops' own file after its unset opens the same.
      writeFileSync(file, e.after)
      expect((await runCli(["decrypt", file], { env })).stdout).toBe(e.decrypted)
    },
  )

  it("should seal and open a large file (the one-pass paths) with comments in lists", async () => {
    // Over the one-pass sealer's 256 KiB threshold: the line reader meets the list comments.
    const entry = (n: number): string => `k${n}:\n    # head ${n}\n    - a${n}\n    # mid ${n}\n    - b${n}\n`
    const plain = Array.from({ length: 6000 }, (_, n) => entry(n)).join("")
    expect(plain.length).toBeGreaterThan(256 << 10)
    const file = join(tmp.path, "large.yaml")
    writeFileSync(file, plain)
    const sealed = await runCli(["encrypt", "--age", recipient, file], { env })
    expect(sealed.code).toBe(0)
    const head = "k0:\n    - E(comment)\n    - E(str)\n    - E(comment)\n    - E(str)\nk1:\n"
    expect(shape(sealed.stdout).slice(0, head.length)).toBe(head)
    expect(sealed.stdout).not.toContain("#ENC")
    const ours = join(tmp.path, "large.sops.yaml")
    writeFileSync(ours, sealed.stdout)
    const opened = await runCli(["decrypt", ours], { env })
    expect(opened.code).toBe(0)
    expect(opened.stdout).toBe(plain)
  })
})
