import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../../helpers/cli-io.js"
import { githubToken, rng } from "../../helpers/tokens.js"
import { gitRepo } from "./repo.js"

const r = rng(37)
const [a, b, c, d] = [githubToken(r), githubToken(r), githubToken(r), githubToken(r)]
const dir = tempDir("sealbridge-scan-allow-")
const repo = gitRepo(dir.path)

beforeAll(() => {
  repo.write("src/a.js", `const a = "${a}" // sealbridge:allow\n`)
  repo.write(
    "src/b.yaml",
    `# sealbridge:allow(github-token)\nb: ${b}\n# sealbridge:allow(some-other-rule)\nc: ${c}\n`,
  )
  repo.write("fixtures/d.txt", `${d}\n`)
  repo.git("add", "-A")
  repo.git("commit", "-qm", "init")
})
afterAll(() => dir.cleanup())

type Out = { findings: { path: string; line: number; ruleId: string }[]; summary: Record<string, unknown> }
const scan = async (...args: string[]) => {
  const res = await runCli(["scan", "--format", "json", ...args], { cwd: dir.path })
  return {
    code: res.code,
    out: (res.stdout === "" ? { findings: [], summary: {} } : JSON.parse(res.stdout)) as Out,
    res,
  }
}

describe("suppression", () => {
  it("inline sealbridge:allow waives its line or, as a comment, the next line; scoped to rules when given", async () => {
    const { out } = await scan("src")
    const rule = out.findings.find((f) => f.path === "src/b.yaml")?.ruleId
    expect(out.findings.map((f) => `${f.path}:${f.line}`)).toEqual(["src/b.yaml:4"])
    // Waived for github-token only on line 2; line 4's waiver names another rule.
    expect(rule).toBe("github-token")
    expect(out.summary["waivedInline"]).toBe(2)
  })

  it("a baseline hides known findings, stores no secret or plain fingerprint, and reports stale entries", async () => {
    const w = await runCli(["scan", "--write-baseline", "baseline.json"], { cwd: dir.path })
    expect(w.code).toBe(0)
    const text = readFileSync(join(dir.path, "baseline.json"), "utf8")
    for (const t of [a, b, c, d]) expect(text).not.toContain(t)
    const all = await scan()
    for (const f of all.out.findings as unknown as { fingerprint: string }[])
      expect(text).not.toContain(f.fingerprint)
    const again = await scan("--baseline", "baseline.json")
    expect(again.code).toBe(0)
    expect(again.out.summary["baselined"]).toBe(2)
    // Remove one secret: its entry goes stale and is reported.
    repo.write("fixtures/d.txt", "gone\n")
    const stale = await scan("--baseline", "baseline.json")
    expect(stale.code).toBe(0)
    expect(stale.out.summary["staleBaseline"]).toEqual([expect.objectContaining({ path: "fixtures/d.txt" })])
    const txt = await runCli(["scan", "--baseline", "baseline.json"], { cwd: dir.path })
    expect(txt.stdout).toContain("1 stale baseline entry")
    repo.write("fixtures/d.txt", `${d}\n`)
  })

  it("the config file allowlists paths and rules", async () => {
    repo.write(".sealbridge-scan.yaml", "allow:\n  paths:\n    - fixtures/\n")
    const paths = await scan()
    expect(paths.out.findings.map((f) => f.path)).toEqual(["src/b.yaml"])
    expect(paths.out.summary["skippedAllowed"]).toBe(1)
    const rule = paths.out.findings[0]?.ruleId ?? ""
    repo.write(
      ".sealbridge-scan.yaml",
      `allow:\n  rules-in:\n    - rules: [${rule}]\n      paths: ["src/*.yaml"]\n`,
    )
    const scoped = await scan()
    expect(scoped.out.findings.map((f) => f.path)).toEqual(["fixtures/d.txt"])
    repo.write(".sealbridge-scan.yaml", `allow:\n  rules: [${rule}]\n`)
    expect((await scan()).code).toBe(0)
    repo.write(".sealbridge-scan.yaml", "allow: [oops]\n")
    expect((await scan()).code).toBe(2)
    repo.write(".sealbridge-scan.yaml", "")
  })
})
