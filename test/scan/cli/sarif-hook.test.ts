import { readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "../../helpers/cli-io.js"
import { githubToken, rng } from "../../helpers/tokens.js"
import { gitRepo } from "./repo.js"

const r = rng(41)
const token = githubToken(r)
const dir = tempDir("sealbridge-scan-sarif-")
const repo = gitRepo(dir.path)
beforeAll(() => {
  repo.write("app/settings.py", `TOKEN = "${token}"\n`)
})
afterAll(() => dir.cleanup())

interface Sarif {
  version: string
  $schema: string
  runs: {
    tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string } }[] } }
    results: {
      ruleId: string
      ruleIndex: number
      level: string
      message: { text: string }
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]
      partialFingerprints: { primaryLocationLineHash: string }
    }[]
  }[]
}
const sarif = async (): Promise<{ code: number; text: string; doc: Sarif }> => {
  const res = await runCli(["scan", "--format", "sarif"], { cwd: dir.path })
  return { code: res.code, text: res.stdout, doc: JSON.parse(res.stdout) as Sarif }
}

describe("--format sarif", () => {
  it("has the fields GitHub code scanning requires and never the secret", async () => {
    const { code, text, doc } = await sarif()
    expect(code).toBe(1)
    expect(doc.version).toBe("2.1.0")
    expect(doc.$schema).toContain("sarif")
    const run = doc.runs[0]
    expect(run?.tool.driver.name).toBe("sealbridge")
    const res = run?.results[0]
    expect(res?.ruleId).toBe(run?.tool.driver.rules[res?.ruleIndex ?? -1]?.id)
    expect(res?.message.text).not.toBe("")
    expect(res?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("app/settings.py")
    expect(res?.locations[0]?.physicalLocation.region.startLine).toBe(1)
    expect(res?.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:1$/)
    expect(text).not.toContain(token)
    expect(text).not.toContain(token.slice(4, 30))
  })

  it("keeps primaryLocationLineHash when the line moves", async () => {
    const before = (await sarif()).doc.runs[0]?.results[0]
    repo.write("app/settings.py", `# settings\n\nDEBUG = False\nTOKEN = "${token}"\n`)
    const after = (await sarif()).doc.runs[0]?.results[0]
    expect(after?.locations[0]?.physicalLocation.region.startLine).toBe(4)
    expect(after?.partialFingerprints.primaryLocationLineHash).toBe(
      before?.partialFingerprints.primaryLocationLineHash,
    )
  })
})

describe("sealbridge hook install", () => {
  const hook = join(dir.path, ".git", "hooks", "pre-commit")
  it("writes an executable pre-commit hook, idempotently", async () => {
    const first = await runCli(["hook", "install"], { cwd: dir.path })
    expect(first.code).toBe(0)
    const text = readFileSync(hook, "utf8")
    expect(text).toContain("sealbridge scan --staged")
    expect(statSync(hook).mode & 0o111).not.toBe(0)
    const again = await runCli(["hook", "install"], { cwd: dir.path })
    expect(again.code).toBe(0)
    expect(again.stderr).toContain("already installed")
    expect(readFileSync(hook, "utf8")).toBe(text)
  })

  it("refuses to replace a foreign hook unless --force, which keeps it as .bak", async () => {
    writeFileSync(hook, "#!/bin/sh\nexec make lint\n", { mode: 0o755 })
    const refused = await runCli(["hook", "install"], { cwd: dir.path })
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain("not written by sealbridge")
    expect(readFileSync(hook, "utf8")).toContain("make lint")
    const forced = await runCli(["hook", "install", "--force"], { cwd: dir.path })
    expect(forced.code).toBe(0)
    expect(readFileSync(hook, "utf8")).toContain("sealbridge scan --staged")
    expect(readFileSync(`${hook}.bak`, "utf8")).toContain("make lint")
  })
})
