import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { Reason } from "../../controller/api/constants.js"

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")

describe("README status reasons", () => {
  it("should list every Ready reason the controller can set in its table", () => {
    const table = readme.slice(readme.indexOf("### Status reasons"))
    const rows = new Set([...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]))
    expect(rows.size).toBeGreaterThan(0)
    expect(Object.values(Reason).filter((r) => !rows.has(r))).toEqual([])
  })
})
