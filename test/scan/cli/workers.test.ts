import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
// @ts-expect-error -- plain ES module without types (build script)
import { bundleCli } from "../../../scripts/bundle.mjs"
import { runCli, tempDir } from "../../helpers/cli-io.js"
import { githubToken, rng } from "../../helpers/tokens.js"
import { gitRepo } from "./repo.js"

// Worker threads need compiled JavaScript, so this runs the bundled CLI as users get it.
describe("sealbridge scan on worker threads (bundled CLI)", () => {
  const build = tempDir()
  const dir = tempDir("sealbridge-scan-workers-")
  const repo = gitRepo(dir.path)
  const r = rng(5)
  beforeAll(async () => {
    await (bundleCli as (outdir: string) => Promise<void>)(join(build.path, "cli"))
    for (let i = 0; i < 40; i++)
      repo.write(`f/${i}.txt`, i % 10 === 0 ? `t=${githubToken(r)}\n` : `line ${i}\n`)
  }, 60_000)
  afterAll(() => {
    build.cleanup()
    dir.cleanup()
  })

  const scan = (jobs: string) =>
    spawnSync(process.execPath, [join(build.path, "cli", "bin.js"), "scan", "-j", jobs, "--format", "json"], {
      cwd: dir.path,
      env: { PATH: process.env["PATH"] ?? "", HOME: dir.path },
      encoding: "utf8",
    })

  it("finds the same as a single-threaded scan, exit 1", () => {
    const one = scan("1")
    const two = scan("2")
    expect(two.stderr).toBe("")
    expect(two.status).toBe(1)
    const findings = (s: string) => (JSON.parse(s) as { findings: unknown[] }).findings
    expect(findings(two.stdout)).toHaveLength(4)
    expect(findings(two.stdout)).toEqual(findings(one.stdout))
  })

  it("the pre-commit hook refuses a commit that stages a secret and lets a clean one through", async () => {
    // The hook runs `sealbridge` from PATH: a shim points it at the bundled CLI.
    const bin = join(dir.path, ".shim")
    mkdirSync(bin)
    writeFileSync(
      join(bin, "sealbridge"),
      `#!/bin/sh\nexec "${process.execPath}" "${join(build.path, "cli", "bin.js")}" "$@"\n`,
      { mode: 0o755 },
    )
    expect((await runCli(["hook", "install"], { cwd: dir.path })).code).toBe(0)
    const commit = (msg: string) =>
      spawnSync("git", ["commit", "-qm", msg], {
        cwd: dir.path,
        encoding: "utf8",
        env: {
          ...process.env,
          PATH: `${bin}:${process.env["PATH"] ?? ""}`,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@e.invalid",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@e.invalid",
        },
      })
    repo.write("clean.txt", "nothing here\n")
    repo.git("add", "clean.txt")
    const ok = commit("clean")
    expect(ok.status).toBe(0)
    repo.git("add", "f/0.txt")
    const refused = commit("leak")
    expect(refused.status).not.toBe(0)
    expect(refused.stdout + refused.stderr).toContain("f/0.txt")
    expect(execFileSync("git", ["log", "--format=%s"], { cwd: dir.path, encoding: "utf8" }).trim()).toBe(
      "clean",
    )
  })
})
