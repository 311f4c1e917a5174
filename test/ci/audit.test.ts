import { spawnSync } from "node:child_process"
import { chmodSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { tempDir } from "../helpers/cli-io.js"

// scripts/audit.mjs (the CI audit step) against a stand-in `npm` printing what npm audit prints.
const script = fileURLToPath(new URL("../../scripts/audit.mjs", import.meta.url))
const tmp = tempDir()
afterAll(tmp.cleanup)

function audit(json: unknown, status: number): { code: number | null; out: string } {
  const bin = join(tmp.path, `bin-${String(Math.random()).slice(2)}`)
  spawnSync("mkdir", [bin])
  writeFileSync(
    join(bin, "npm"),
    `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(json)}\nJSON\nexit ${String(status)}\n`,
  )
  chmodSync(join(bin, "npm"), 0o755)
  const r = spawnSync(process.execPath, [script], {
    env: { PATH: `${bin}:${process.env["PATH"] ?? ""}` },
    encoding: "utf8",
  })
  return { code: r.status, out: r.stdout }
}
const counts = (high: number, critical: number) => ({
  metadata: { vulnerabilities: { info: 0, low: 2, moderate: 1, high, critical, total: 3 + high + critical } },
  vulnerabilities: high + critical > 0 ? { "bad-pkg": { severity: "high", range: "<1.2.3" } } : {},
})

describe("CI audit step", () => {
  it("fails on a high or critical advisory and names the package", () => {
    const r = audit(counts(1, 0), 1)
    expect(r.code).toBe(1)
    expect(r.out).toContain("0 critical, 1 high")
    expect(r.out).toContain("high: bad-pkg <1.2.3")
    expect(audit(counts(0, 1), 1).code).toBe(1)
  })

  it("passes when only low and moderate advisories remain", () => {
    const r = audit(counts(0, 0), 0)
    expect(r.code).toBe(0)
    expect(r.out).toContain("0 critical, 0 high, 1 moderate, 2 low")
  })

  it("an unreachable audit endpoint: passes, saying nothing was checked", () => {
    const r = audit(
      {
        message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        statusCode: 405,
      },
      1,
    )
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^npm audit: NOT CHECKED, .*405 Method Not Allowed/)
  })
})
