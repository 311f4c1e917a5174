import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { exitCodeFor } from "../../cli/exit-codes.js"
import { ErrorCode } from "../../src/errors.js"

// README's exit-code table is what users script against: it must say what cli/exit-codes.ts does.
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")

/** Rows of the table under "### Exit codes": exit column → error codes named in the last column. */
function readmeTable(): Map<string, string[]> {
  const start = readme.indexOf("### Exit codes")
  expect(start).toBeGreaterThan(-1)
  const section = readme.slice(start, readme.indexOf("\n#", start + 1))
  const rows = new Map<string, string[]>()
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim())
    const exit = cells[1]
    if (exit === undefined || !/^(\d+|any)$/.test(exit)) continue
    const codes = [...(cells.at(-2) ?? "").matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? "")
    rows.set(exit, [...(rows.get(exit) ?? []), ...codes])
  }
  return rows
}

describe("README exit-code table", () => {
  const rows = readmeTable()
  const listed = [...rows.values()].flat()

  it("names every error code exactly once", () => {
    const all = Object.values(ErrorCode).sort()
    expect([...listed].sort()).toEqual(all)
  })

  it("gives each code the exit status cli/exit-codes.ts maps it to", () => {
    for (const [exit, codes] of rows) {
      for (const code of codes) {
        // CHILD_EXIT passes the command's own status through; 1 is only its fallback.
        if (exit === "any") expect(code).toBe(ErrorCode.ChildExit)
        else expect(exitCodeFor[code as ErrorCode], `${code} in row ${exit}`).toBe(Number(exit))
      }
    }
  })

  it("lists SEALED_FORMAT under exit 1 (sops' status for a sealed file it cannot load)", () => {
    expect(rows.get("1")).toContain(ErrorCode.SealedFormat)
    expect(exitCodeFor[ErrorCode.SealedFormat]).toBe(1)
  })
})
