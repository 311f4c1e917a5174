import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runBuilt } from "../../helpers/built-cli.js"
import { tempDir } from "../../helpers/cli-io.js"

// Defect 11: a broken .sops.yaml is reported with line and column, a hint, and no character
// of its text (with --debug too), through the built CLI.
const tmp = tempDir()
afterAll(tmp.cleanup)

describe("a .sops.yaml that does not parse", () => {
  it("exit 1, file:line:column, a hint, nothing of the input", async () => {
    writeFileSync(
      join(tmp.path, ".sops.yaml"),
      'creation_rules:\n  - path_regex: x\n    age: "hunter2-secret\n',
    )
    writeFileSync(join(tmp.path, "p.yaml"), "a: b\n")
    for (const extra of [[], ["--debug"]]) {
      const r = await runBuilt(["encrypt", ...extra, "p.yaml"], { cwd: tmp.path })
      expect(r.code).toBe(1)
      expect(r.stdout).toBe("")
      const lines = r.stderr.split("\n")
      expect(lines[0]).toMatch(/^sealbridge: \/.*\/\.sops\.yaml:4:1: not valid yaml: [^\n]+$/)
      expect(lines[1]).toMatch(/^hint: fix \.sops\.yaml/)
      expect(r.stderr).not.toMatch(/hunter2|path_regex|age:/)
    }
  })
})
