import { describe, expect, it } from "vitest"
import { runCli } from "../helpers/cli-io.js"

// Defect 10: a mistyped command gets a suggestion, as a mistyped flag does; `help` is help.
describe("help and typos", () => {
  it("a mistyped command: exit 1, the nearest command suggested, nothing on stdout", async () => {
    for (const [typo, meant] of [
      ["decryp", "decrypt"],
      ["ecnrypt", "encrypt"],
      ["filestaus", "filestatus"],
    ] as const) {
      const r = await runCli([typo, "x.yaml"])
      expect(r.code).toBe(1)
      expect(r.stdout).toBe("")
      expect(r.stderr).toBe(
        `sealbridge: unknown command "${typo}"\nhint: did you mean ${meant}? (sealbridge help lists the commands)\n`,
      )
    }
  })

  it("sealbridge help: the usage on stdout, exit 0", async () => {
    const r = await runCli(["help"])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("Usage: sealbridge")
    expect(r.stdout).toContain("decrypt")
  })
})
