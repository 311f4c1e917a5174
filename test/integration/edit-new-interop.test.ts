import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sopsTwins } from "./sops-twins.js"

// `edit` of a file that does not exist yet, against the real sops binary.
const t = sopsTwins("sealbridge-editnew-")
afterAll(t.cleanup)
const keyFile = join(t.dir, "keys.txt")
let recipient = ""
const grab = join(t.dir, "grab.sh")
const change = join(t.dir, "change.sh")

beforeAll(() => {
  if (t.sops.skip) return
  recipient = t.ours(["keygen", "-o", keyFile]).out.trim()
  // Copies what the editor was given next to the new file's name, changes nothing.
  writeFileSync(grab, `#!/bin/sh\ncp "$1" "${t.dir}/seen-$TOOL-$(basename "$1")"\n`)
  writeFileSync(change, `#!/bin/sh\nsed -i 's/example_value/changed/; s/Welcome to SOPS/Hi/' "$1"\n`)
  chmodSync(grab, 0o755)
  chmodSync(change, 0o755)
})

const env = (extra: Record<string, string>) => ({ SOPS_AGE_KEY_FILE: keyFile, ...extra })

describe.skipIf(t.sops.skip)("edit of a new file against sops 3.13", () => {
  for (const ext of ["yaml", "json", "env", "ini", "txt"]) {
    it(`${ext}: the editor starts from sops' example, and unchanged means exit 200 and no file`, () => {
      const name = `new.${ext}`
      const m = t.ours(["edit", "--age", recipient, name], { env: env({ EDITOR: grab, TOOL: "ours" }) })
      const s = t.theirs(["edit", "--age", recipient, name], { env: env({ EDITOR: grab, TOOL: "sops" }) })
      expect([m.code, s.code]).toEqual([200, 200])
      expect(existsSync(join(t.dir, name))).toBe(false)
      const ours = readFileSync(join(t.dir, `seen-ours-${name}`))
      expect(ours.toString("hex")).toBe(readFileSync(join(t.dir, `seen-sops-${name}`)).toString("hex"))
    })

    it(`${ext}: a changed example is sealed on save and opens with sops as sops' own does`, () => {
      const mine = join(t.dir, `mine.${ext}`)
      const theirs = join(t.dir, `theirs.${ext}`)
      expect(t.ours(["edit", "--age", recipient, mine], { env: env({ EDITOR: change }) }).code).toBe(0)
      expect(t.theirs(["edit", "--age", recipient, theirs], { env: env({ EDITOR: change }) }).code).toBe(0)
      const open = (f: string) => t.theirs(["decrypt", f], { env: env({}) })
      expect(open(mine).code).toBe(0)
      expect(open(mine).out).toBe(open(theirs).out)
      expect(open(mine).out).toContain("Hi!")
      expect(readFileSync(mine, "utf8")).not.toContain("Hi!")
    })
  }

  it("should refuse before the editor opens when no key is configured (exit 1), as sops", () => {
    const marker = join(t.dir, "editor-ran")
    const editor = join(t.dir, "mark.sh")
    writeFileSync(editor, `#!/bin/sh\ntouch "${marker}"\n`, { mode: 0o755 })
    const m = t.ours(["edit", "nokeys.yaml"], { env: env({ EDITOR: editor }) })
    const s = t.theirs(["edit", "nokeys.yaml"], { env: env({ EDITOR: editor }) })
    expect([m.code, s.code]).toEqual([1, 1])
    expect(existsSync(marker)).toBe(false)
  })

  it("should take the keys from the matching creation rule", () => {
    writeFileSync(
      join(t.dir, ".sops.yaml"),
      `creation_rules:\n  - path_regex: \\.yaml$\n    age: ${recipient}\n`,
    )
    const file = join(t.dir, "ruled.yaml")
    expect(t.ours(["edit", file], { env: env({ EDITOR: change }) }).code).toBe(0)
    expect(readFileSync(file, "utf8")).toContain(recipient)
    expect(statSync(file).mode & 0o777).toBe(0o644)
    rmSync(join(t.dir, ".sops.yaml"))
  })
})
