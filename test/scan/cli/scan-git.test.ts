import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../../helpers/cli-io.js"
import { githubToken, npmToken, rng } from "../../helpers/tokens.js"
import { gitRepo } from "./repo.js"

const r = rng(23)
const removed = githubToken(r)
const staged = npmToken(r)
const unstaged = githubToken(r)
const dir = tempDir("sealbridge-scan-git-")
const repo = gitRepo(dir.path)
let introducing = ""

beforeAll(() => {
  repo.write("README.md", "hello\n")
  repo.git("add", "-A")
  repo.git("commit", "-qm", "first")
  repo.write("deploy/values.yaml", `image: app\ntoken: ${removed}\n`)
  repo.git("add", "-A")
  repo.git("commit", "-qm", "add values")
  introducing = repo.git("rev-parse", "HEAD").trim()
  repo.write("deploy/values.yaml", "image: app\ntoken: from-vault\n")
  repo.git("add", "-A")
  repo.git("commit", "-qm", "remove the token")
})
afterAll(() => dir.cleanup())

const scan = (...args: string[]) => runCli(["scan", ...args], { cwd: dir.path })

describe("sealbridge scan --git", () => {
  it("finds a secret added and later removed, with the commit that introduced it", async () => {
    expect((await scan()).code).toBe(0) // the working tree is clean
    const res = await scan("--git", "--format", "json")
    expect(res.code).toBe(1)
    const out = JSON.parse(res.stdout) as {
      findings: { path: string; commit?: string }[]
      summary: { commits: number }
    }
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.path).toBe("deploy/values.yaml")
    expect(out.findings[0]?.commit).toBe(introducing)
    expect(out.summary.commits).toBe(3)
    expect(res.stdout).not.toContain(removed)
  })

  it("takes a range: commits after the secret left see nothing", async () => {
    expect((await scan("--git", `${introducing}..HEAD`)).code).toBe(0)
    expect((await scan("--git", `${introducing}~1..${introducing}`)).code).toBe(1)
  })

  it("exit 2 for a range git does not know", async () => {
    expect((await scan("--git", "no-such-ref..HEAD")).code).toBe(2)
  })
})

describe("sealbridge scan --staged", () => {
  it("scans what is staged, not what is only in the working tree", async () => {
    repo.write("ci/.npmrc", `//registry.npmjs.org/:_authToken=${staged}\n`)
    repo.git("add", "ci/.npmrc")
    repo.write("notes.txt", `${unstaged}\n`)
    const res = await scan("--staged", "--format", "json")
    expect(res.code).toBe(1)
    const out = JSON.parse(res.stdout) as { findings: { path: string }[] }
    expect(out.findings.map((f) => f.path)).toEqual(["ci/.npmrc"])
    repo.git("reset", "-q")
    expect((await scan("--staged")).code).toBe(0)
  })
})
