import { describe, expect, it } from "vitest"
import { createProgress } from "../../../cli/scan/progress.js"

describe("progress bar", () => {
  const run = (enabled: boolean, total: number | null, times: number[]) => {
    let out = ""
    let t = 0
    const p = createProgress(
      (s) => (out += s),
      enabled,
      total,
      () => t,
    )
    for (const [i, at] of times.entries()) {
      t = at
      p.tick(i + 1, (i + 1) * 1_000_000)
    }
    p.done()
    return out
  }

  it("draws a bar with counts and throughput once a scan runs longer than half a second, and clears it", () => {
    const out = run(true, 10, [100, 600, 650, 900])
    expect(out).toContain("[")
    expect(out).toMatch(/2\/10 files/)
    expect(out).toMatch(/4\/10 files {2}4\.0 MB {2}4\.4 MB\/s/)
    expect(out).not.toMatch(/3\/10 files/) // throttled: at most every 100 ms
    expect(out.endsWith("\r\x1b[2K")).toBe(true)
  })

  it("draws nothing for short scans or when disabled (not a terminal, --no-progress)", () => {
    expect(run(true, 10, [100, 200, 300])).toBe("")
    expect(run(false, 10, [100, 600, 900])).toBe("")
  })

  it("counts files without a bar when the total is unknown (history)", () => {
    expect(run(true, null, [600]).startsWith("\r\x1b[2K1 files")).toBe(true)
  })
})
