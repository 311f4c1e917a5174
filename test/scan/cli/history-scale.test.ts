import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
// @ts-expect-error -- plain ES module without types (build script)
import { bundleCli } from "../../../scripts/bundle.mjs"
import { tempDir } from "../../helpers/cli-io.js"
import { fastHistory, nthCommit } from "../../helpers/fast-history.js"
import { githubToken, rng } from "../../helpers/tokens.js"

// History scans read each unique blob once and hold one batch at a time: peak memory must not
// grow with the number of commits. Measured on the bundled CLI in its own process.
describe("sealbridge scan --git on generated histories", () => {
  const tmp = tempDir("sealbridge-history-")
  const token = githubToken(rng(99))
  const plant = (i: number): string => (i === 5000 ? `const leaked = "${token}"\n` : "")
  beforeAll(async () => {
    await (bundleCli as (outdir: string) => Promise<void>)(join(tmp.path, "cli"))
    fastHistory(join(tmp.path, "h1k"), 1000)
    fastHistory(join(tmp.path, "h10k"), 10_000, plant)
  }, 120_000)
  afterAll(() => tmp.cleanup())

  // Runs the CLI and reports the process's peak RSS (all threads) on exit.
  const scanRss = (repo: string): { status: number | null; stdout: string; rssMb: number } => {
    const bin = pathToFileURL(join(tmp.path, "cli", "bin.js")).href
    const code = `process.on("exit", () => process.stderr.write("\\nmaxrss_kb=" + process.resourceUsage().maxRSS + "\\n")); await import(${JSON.stringify(bin)})`
    const r = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", code, "x", "scan", "--git", "--format", "json", "--no-progress"],
      {
        cwd: repo,
        encoding: "utf8",
        maxBuffer: 1 << 26,
        env: { PATH: process.env["PATH"] ?? "", HOME: tmp.path },
      },
    )
    const kb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? "NaN")
    return { status: r.status, stdout: r.stdout, rssMb: kb / 1024 }
  }

  it("reports the planted token with its commit, in memory flat from 1,000 to 10,000 commits", () => {
    const small = scanRss(join(tmp.path, "h1k"))
    const big = scanRss(join(tmp.path, "h10k"))
    expect(small.status).toBe(0)
    expect(big.status).toBe(1)
    const out = JSON.parse(big.stdout) as {
      findings: { commit?: string; path: string }[]
      summary: { commits: number; filesScanned: number }
    }
    expect(out.summary.commits).toBe(10_000)
    expect(out.summary.filesScanned).toBe(10_000)
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.commit).toBe(nthCommit(join(tmp.path, "h10k"), 5000, 10_000))
    console.log(
      `history scan peak RSS: 1,000 commits ${small.rssMb.toFixed(0)} MB, 10,000 commits ${big.rssMb.toFixed(0)} MB`,
    )
    expect(big.rssMb).toBeLessThan(small.rssMb + 40)
  }, 180_000)
})
