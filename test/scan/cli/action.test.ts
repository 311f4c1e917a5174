// The GitHub Action cannot run here (no GitHub), so its shell steps run as the runner would run
// them: the `run:` text of action.yml through `bash -e`, with the variables the runner sets.
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { parse } from "yaml"
import { tempDir } from "../../helpers/cli-io.js"
import { githubToken, rng } from "../../helpers/tokens.js"
import { gitRepo } from "./repo.js"

interface Step {
  id?: string
  name?: string
  run?: string
  uses?: string
  if?: string
  env?: Record<string, string>
}
const root = resolve(import.meta.dirname, "../../..")
const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as {
  inputs: Record<string, { default: string }>
  runs: { using: string; steps: Step[] }
}
const scanStep = action.runs.steps.find((s) => s.id === "scan")
const failStep = action.runs.steps.find((s) => s.name === "Fail on findings")

const dirs: { cleanup(): void }[] = []
afterAll(() => dirs.forEach((d) => d.cleanup()))

/** Runs the Scan step's script in a repository holding `files`, as the runner would. */
function runScanStep(
  files: Record<string, string>,
  args = "",
): { code: number; outputs: string; sarif: string } {
  const dir = tempDir("sealbridge-action-")
  dirs.push(dir)
  const repo = gitRepo(dir.path)
  for (const [p, text] of Object.entries(files)) repo.write(p, text)
  const outputFile = join(dir.path, ".github-output")
  const res = spawnSync("bash", ["-e", "-c", scanStep?.run ?? "exit 99"], {
    cwd: dir.path,
    encoding: "utf8",
    env: {
      ...process.env,
      GITHUB_ACTION_PATH: root,
      GITHUB_OUTPUT: outputFile,
      SARIF: action.inputs["sarif-file"]?.default ?? "",
      ARGS: args,
    },
  })
  let sarif = ""
  try {
    sarif = readFileSync(join(dir.path, "sealbridge.sarif"), "utf8")
  } catch {
    // no report written
  }
  let outputs = ""
  try {
    outputs = readFileSync(outputFile, "utf8")
  } catch {
    // no outputs written
  }
  return { code: res.status ?? -1, outputs, sarif }
}

describe("action.yml", () => {
  it("is a composite action whose scan step writes SARIF and its exit code as an output", () => {
    expect(action.runs.using).toBe("composite")
    expect(scanStep?.run).toContain("--format sarif")
    const token = githubToken(rng(7))
    const found = runScanStep({ "app/config.py": `TOKEN = "${token}"\n` })
    // the step itself passes on findings (the later step fails the job), and says 1
    expect(found.code).toBe(0)
    expect(found.outputs).toBe("exit-code=1\n")
    const doc = JSON.parse(found.sarif) as { version: string; runs: { results: unknown[] }[] }
    expect(doc.version).toBe("2.1.0")
    expect(doc.runs[0]?.results).toHaveLength(1)
    expect(found.sarif).not.toContain(token)
  })

  it("says 0 on a clean repository and fails the step on a scan error (2)", () => {
    const clean = runScanStep({ "README.md": "nothing here\n" })
    expect(clean).toMatchObject({ code: 0, outputs: "exit-code=0\n" })
    const broken = runScanStep({ "README.md": "x\n" }, "--no-such-flag")
    expect(broken.code).toBe(2)
    expect(broken.outputs).toBe("exit-code=2\n")
  })

  it("uploads unless the scan errored and fails the job only on findings when asked", () => {
    const upload = action.runs.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"))
    expect(upload?.if).toContain("steps.scan.outputs.exit-code != '2'")
    expect(failStep?.if).toContain("inputs.fail-on-findings == 'true'")
    expect(failStep?.if).toContain("steps.scan.outputs.exit-code == '1'")
    expect(spawnSync("bash", ["-e", "-c", failStep?.run ?? ""]).status).toBe(1)
  })
})
