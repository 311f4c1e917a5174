import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
// @ts-expect-error -- plain ES module without types (build script)
import { barrelMap, rewriteBarrelImports } from "../../scripts/debarrel.mjs"

const root = fileURLToPath(new URL("../..", import.meta.url))
type Decl = { file: string; name: string }
const map = (barrelMap as (root: string) => Map<string, Decl>)(root)
const rewrite = rewriteBarrelImports as (text: string, map: Map<string, Decl>, importer: string) => string

describe("the bundle's barrel rewrite (scripts/debarrel.mjs)", () => {
  it("should find the declaring module of every name src/index.ts exports", () => {
    expect(map.get("BridgeError")).toEqual({ file: join(root, "src", "errors.ts"), name: "BridgeError" })
    // export * from "./ops/decrypt-document.js"
    expect(map.get("decryptDocument")?.file).toBe(join(root, "src", "ops", "decrypt-document.ts"))
    // export type { Limits as TemplateLimits } from "./template/exec.js"
    expect(map.get("TemplateLimits")).toEqual({
      file: join(root, "src", "template", "exec.ts"),
      name: "Limits",
    })
    for (const [, decl] of map) expect(decl.file.startsWith(join(root, "src") + "/")).toBe(true)
  })

  it("should import each name from its module, keeping type-only names and local renames", () => {
    const text = [
      'import { BridgeError, decryptDocument as dd, type TemplateLimits, ErrorCode } from "../../src/index.js"',
      'import type { KeySpec } from "../src/index.js"',
      'import { x } from "./other.js"',
    ].join("\n")
    const out = rewrite(text, map, "cli/x.ts")
    expect(out).toContain(
      `import { BridgeError, ErrorCode } from ${JSON.stringify(join(root, "src", "errors.ts"))}`,
    )
    expect(out).toContain(
      `import { decryptDocument as dd } from ${JSON.stringify(join(root, "src", "ops", "decrypt-document.ts"))}`,
    )
    expect(out).toContain(
      `import { type Limits as TemplateLimits } from ${JSON.stringify(join(root, "src", "template", "exec.ts"))}`,
    )
    expect(out).toContain('import type { KeySpec } from "../src/index.js"')
    expect(out).toContain('import { x } from "./other.js"')
    expect(out).not.toContain('from "../../src/index.js"')
  })

  it("should refuse a name the barrel does not export", () => {
    expect(() => rewrite('import { noSuchThing } from "../src/index.js"', map, "cli/x.ts")).toThrow(
      /exports no noSuchThing/,
    )
  })
})
