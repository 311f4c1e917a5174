import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../../helpers/cli-io.js"
import { githubToken, rng } from "../../helpers/tokens.js"
import { gitRepo } from "./repo.js"

const r = rng(11)
const token = githubToken(r)
const ignoredToken = githubToken(r)
const dir = tempDir("sealbridge-scan-")
const repo = gitRepo(dir.path)

beforeAll(() => {
  repo.write(".gitignore", "build/\n*.local\n")
  repo.write("app/config.js", `export const token = "${token}"\n`)
  repo.write("build/out.js", `const t = "${ignoredToken}"\n`)
  repo.write("dev.local", `TOKEN=${ignoredToken}\n`)
  repo.write("docs/readme.md", "# nothing to see\n")
  repo.write("img/logo.bin", new Uint8Array([0, 1, 2, 3, 0, 255, 0]))
  repo.write("big/data.txt", "x".repeat(3000) + "\n")
  repo.git("add", "-A")
  repo.git("commit", "-qm", "init")
})
afterAll(() => dir.cleanup())

const scan = (...args: string[]) => runCli(["scan", ...args], { cwd: dir.path })

describe("sealbridge scan (working tree)", () => {
  it("reports a tracked secret, honours .gitignore, counts skipped files, exits 1", async () => {
    const res = await scan("--format", "json", "--max-file-size", "2000")
    expect(res.code).toBe(1)
    const out = JSON.parse(res.stdout) as {
      findings: { path: string; ruleId: string; line: number }[]
      summary: Record<string, number>
    }
    expect(out.findings.map((f) => f.path)).toEqual(["app/config.js"])
    expect(out.findings[0]?.line).toBe(1)
    expect(out.summary["skippedBinary"]).toBe(1)
    expect(out.summary["skippedOversize"]).toBe(1)
    expect(res.stdout).not.toContain(token)
    expect(res.stdout).not.toContain(ignoredToken)
  })

  it("exits 0 on a clean path and prints a summary", async () => {
    const res = await scan("docs")
    expect(res.code).toBe(0)
    expect(res.stdout).toContain("no leaks found")
    expect(res.stdout).not.toContain("\x1b[")
  })

  it("text output names file, line and rule, redacted, without colour off a terminal", async () => {
    const res = await scan("app")
    expect(res.code).toBe(1)
    expect(res.stdout).toMatch(/app\/config\.js:1:\d+/)
    expect(res.stdout).toContain(token.slice(0, 4) + "…")
    expect(res.stdout).not.toContain(token)
  })

  it("exit 2 on usage errors", async () => {
    expect((await scan("--format", "xml")).code).toBe(2)
    expect((await scan("--staged", "app")).code).toBe(2)
    expect((await scan("--no-such-flag")).code).toBe(2)
    expect((await scan("--baseline", "missing.json")).code).toBe(2)
  })

  it("scans standard input, judged by --stdin-path", async () => {
    const res = await runCli(["scan", "--stdin", "--stdin-path", "x.env", "--format", "json"], {
      cwd: dir.path,
      stdin: `A=${token}\n`,
    })
    expect(res.code).toBe(1)
    expect((JSON.parse(res.stdout) as { findings: { path: string }[] }).findings[0]?.path).toBe("x.env")
  })
})
