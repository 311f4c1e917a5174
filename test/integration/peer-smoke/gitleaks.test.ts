import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { requireBinary } from "../peers.js"

const gitleaks = requireBinary("GITLEAKS_BIN", "gitleaks")
const dir = mkdtempSync(join(tmpdir(), "sealbridge-peers-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(gitleaks.skip)("peer smoke: gitleaks (real binary)", () => {
  it("should report the planted secret in a directory", () => {
    const fixture = join(dir, "leaky")
    mkdirSync(fixture, { recursive: true })
    // An obviously fake GitHub token; gitleaks' default rules catch this shape.
    writeFileSync(
      join(fixture, "config.env"),
      "GITHUB_TOKEN=ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5" + "\n",
    )
    const report = join(dir, "report.json")
    const r = spawnSync(
      gitleaks.path,
      ["dir", fixture, "--report-format", "json", "--report-path", report, "--no-banner"],
      { encoding: "utf8" },
    )
    expect(r.status).toBe(1)
    const findings = JSON.parse(readFileSync(report, "utf8")) as { RuleID: string; File: string }[]
    expect(findings.map((f) => [f.RuleID, f.File.endsWith("config.env")])).toEqual([["github-pat", true]])
  })
})
