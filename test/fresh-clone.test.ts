import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

// A user's clone has no shared/ folder beside it: everything a test, benchmark or script needs must
// live in the repository (test/fixtures/). This guards the README's test command on a fresh clone.
const repo = fileURLToPath(new URL("../", import.meta.url))
const scanned = ["src", "cli", "controller", "test", "bench", "scripts"]
const sharedRef = /\.\.\/(\.\.\/)*shared\b/

function files(dir: string): string[] {
  let out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out = out.concat(name === "fixtures" ? [] : files(p))
    else if (/\.(ts|mjs|js|sh|json)$/.test(name)) out.push(p)
  }
  return out
}

describe("fresh clone", () => {
  it("no source, test, benchmark or script reads the steering shared/ folder", () => {
    const offenders = scanned
      .flatMap((d) => {
        try {
          return files(join(repo, d))
        } catch {
          return []
        }
      })
      .filter((f) => !f.endsWith("fresh-clone.test.ts"))
      .filter((f) => sharedRef.test(readFileSync(f, "utf8")))
      .map((f) => relative(repo, f))
    expect(offenders).toEqual([])
  })

  it("the sops vectors the tests use are in test/fixtures", () => {
    const dir = join(repo, "test", "fixtures", "vectors", "age-pr1031")
    for (const f of ["example.yaml", "example.json", "example.ini", "example.txt", "keys.txt"])
      expect(statSync(join(dir, f)).size).toBeGreaterThan(0)
  })
})
