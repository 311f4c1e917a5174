import { describe, expect, it } from "vitest"
import { ErrorCode } from "../../src/errors.js"
import { exitCodeFor } from "../../cli/exit-codes.js"
import { runCli } from "../helpers/cli-io.js"

describe("program", () => {
  it("should print help with the sops commands and exit 0", async () => {
    const res = await runCli(["--help"])
    expect(res.code).toBe(0)
    for (const cmd of [
      "encrypt",
      "decrypt",
      "edit",
      "set",
      "unset",
      "filestatus",
      "keygen",
      "exec-env",
      "exec-file",
      "updatekeys",
      "git",
    ])
      expect(res.stdout).toContain(cmd)
  })

  it("should exit 1 for an unknown flag, as sops does", async () => {
    const res = await runCli(["--bogus", "x.yaml"])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/unknown option/)
  })

  it("should refuse -e with -d (exit 8)", async () => {
    expect((await runCli(["-e", "-d", "x.yaml"])).code).toBe(8)
  })

  it("should keep sops' exit status for the classes scripts check", () => {
    expect(exitCodeFor[ErrorCode.MacMismatch]).toBe(51)
    expect(exitCodeFor[ErrorCode.NoKey]).toBe(128)
    expect(exitCodeFor[ErrorCode.AlreadySealed]).toBe(203)
    expect(exitCodeFor[ErrorCode.Decrypt]).toBe(25)
    expect(exitCodeFor[ErrorCode.EmptyFile]).toBe(92)
  })
})
