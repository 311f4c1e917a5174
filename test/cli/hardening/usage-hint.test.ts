import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runBuilt } from "../../helpers/built-cli.js"
import { tempDir } from "../../helpers/cli-io.js"

// The fallback hint of a usage error names the command that failed (`sealbridge decrypt
// --help`), not the placeholder `sealbridge <command> --help`, through the built CLI.
const tmp = tempDir()
afterAll(tmp.cleanup)

describe("the usage hint names the failing command", () => {
  it("decrypt and groups (its action an argument): exit 1, hint with the command", async () => {
    const f = join(tmp.path, "p.yaml")
    writeFileSync(f, "a: b\n")
    const cases: [string[], string][] = [
      [["decrypt", "--decryption-order", "bogus", f], "decrypt"],
      [["groups", "remove", f], "groups"],
    ]
    for (const [args, command] of cases) {
      const r = await runBuilt(args, { cwd: tmp.path })
      expect(r.code, args.join(" ")).toBe(1)
      expect(r.stdout).toBe("")
      const hint = r.stderr.split("\n").find((l) => l.startsWith("hint: "))
      expect(hint).toBe(`hint: run \`sealbridge ${command} --help\` for the flags and arguments it takes`)
      expect(r.stderr).not.toContain("<command>")
    }
  })
})
