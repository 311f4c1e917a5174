import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { bannerText, useColour } from "../../scripts/banner.mjs"

// Issue 8, defect 11: the demo prints colour only on a terminal, and never with NO_COLOR set.
const demo = fileURLToPath(new URL("../../scripts/demo.mjs", import.meta.url))
const ESC = "\x1b["

function runDemo(opts: { tty: boolean; noColor?: string }): string {
  const env: Record<string, string> = { PATH: process.env["PATH"] ?? "" }
  if (opts.noColor !== undefined) env["NO_COLOR"] = opts.noColor
  // util-linux `script` gives the demo a pseudo-terminal as stdout.
  const [cmd, args] = opts.tty
    ? ["script", ["-qec", `'${process.execPath}' '${demo}'`, "/dev/null"]]
    : [process.execPath, [demo]]
  const r = spawnSync(cmd, args, { env, encoding: "utf8", timeout: 30_000 })
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toContain("round trip ok")
  return r.stdout
}

describe("demo colour", () => {
  it("useColour: a terminal and NO_COLOR unset or empty", () => {
    expect(useColour({ isTTY: true }, {})).toBe(true)
    expect(useColour({ isTTY: true }, { NO_COLOR: "" })).toBe(true)
    expect(useColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false)
    expect(useColour({ isTTY: false }, {})).toBe(false)
    expect(useColour({}, {})).toBe(false)
    expect(bannerText("x", false)).toBe("\n== x")
    expect(bannerText("x", true)).toBe("\n\x1b[1m== x\x1b[0m")
  })

  it("piped: no escape codes", () => {
    expect(runDemo({ tty: false })).not.toContain(ESC)
  })

  it("on a terminal: bold headings; with NO_COLOR=1 none", () => {
    expect(runDemo({ tty: true })).toContain(`${ESC}1m== 1. a throwaway age key`)
    expect(runDemo({ tty: true, noColor: "1" })).not.toContain(ESC)
  })
})
