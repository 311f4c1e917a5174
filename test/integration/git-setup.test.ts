import { execFileSync, spawnSync } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

// `sealbridge git setup` in a throwaway git repository, through the built CLI.
const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "sealbridge-git-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const repo = join(dir, "repo")
const bin = join(dir, "bin")
const keyFile = join(dir, "keys.txt")
const env = {
  PATH: `${bin}:${process.env["PATH"] ?? ""}`,
  HOME: dir,
  SOPS_AGE_KEY_FILE: keyFile,
  GIT_CONFIG_NOSYSTEM: "1",
}
const sb = (args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { cwd: repo, env, encoding: "utf8" })
const git = (args: string[]) => execFileSync("git", args, { cwd: repo, env, encoding: "utf8" })

describe("git setup", () => {
  it("should make git diff show decrypted changes of covered sealed files, and undo cleanly", () => {
    mkdirSync(join(repo, "secrets"), { recursive: true })
    mkdirSync(bin)
    // `sealbridge` on PATH, as an installed CLI would be.
    writeFileSync(join(bin, "sealbridge"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`)
    chmodSync(join(bin, "sealbridge"), 0o755)
    const recipient = sb(["keygen", "-o", keyFile]).stdout.trim()
    git(["init", "-q", "."])
    git(["config", "user.email", "t@example.com"])
    git(["config", "user.name", "t"])
    writeFileSync(
      join(repo, ".sops.yaml"),
      `creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: ${recipient}\n`,
    )
    writeFileSync(join(repo, "plain.yaml"), "password: one\n")
    const sealed = sb(["encrypt", "--filename-override", "secrets/a.yaml", join(repo, "plain.yaml")])
    expect(sealed.status).toBe(0)
    writeFileSync(join(repo, "secrets", "a.yaml"), sealed.stdout)
    writeFileSync(join(repo, "notes.yaml"), "x: 1\n")
    git(["add", "-A"])
    git(["commit", "-qm", "init"])
    expect(sb(["set", "secrets/a.yaml", '["password"]', '"two"']).status).toBe(0)
    expect(git(["diff"])).toContain("ENC[AES256_GCM")

    const setup = sb(["git", "setup"])
    expect(setup.status).toBe(0)
    expect(setup.stdout).toBe("secrets/a.yaml\n")
    const diff = git(["diff"])
    expect(diff).toContain("-password: one\n+password: two\n")
    expect(diff).not.toContain("ENC[")
    expect(git(["config", "--get", "diff.sealbridge.textconv"]).trim()).toBe("sealbridge git textconv")

    expect(sb(["git", "setup", "--undo"]).status).toBe(0)
    expect(readFileSync(join(repo, ".git", "info", "attributes"), "utf8")).not.toContain("sealbridge")
    expect(spawnSync("git", ["config", "--get", "diff.sealbridge.textconv"], { cwd: repo, env }).status).toBe(
      1,
    )
    expect(git(["diff"])).toContain("ENC[AES256_GCM")
  })

  it("should show the file as it is when no key opens it, so a diff never fails", () => {
    const other = join(dir, "other.txt")
    sb(["keygen", "-o", other])
    const r = spawnSync(process.execPath, [cli, "git", "textconv", join(repo, "secrets", "a.yaml")], {
      env: { ...env, SOPS_AGE_KEY_FILE: other },
      encoding: "utf8",
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("ENC[AES256_GCM")
    expect(existsSync(join(repo, ".git"))).toBe(true)
  })

  it("should refuse outside a git repository", () => {
    const r = spawnSync(process.execPath, [cli, "git", "setup"], { cwd: dir, env, encoding: "utf8" })
    expect(r.status).toBe(1)
  })
})
