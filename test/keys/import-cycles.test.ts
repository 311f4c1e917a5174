import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

// src/ has no import cycles (formats/ and seal/ used to import each other).
const src = fileURLToPath(new URL("../../src/", import.meta.url))

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : []
  })
}

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>()
  for (const f of files(src)) {
    const deps = [...readFileSync(f, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)].map((m) =>
      resolve(dirname(f), `${m[1] ?? ""}.ts`),
    )
    g.set(f, deps)
  }
  return g
}

function findCycle(g: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">()
  const stack: string[] = []
  const visit = (n: string): string[] | null => {
    if (state.get(n) === "done") return null
    if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n]
    state.set(n, "open")
    stack.push(n)
    for (const d of g.get(n) ?? []) {
      const c = visit(d)
      if (c !== null) return c
    }
    stack.pop()
    state.set(n, "done")
    return null
  }
  for (const n of g.keys()) {
    const c = visit(n)
    if (c !== null) return c
  }
  return null
}

describe("src import graph", () => {
  it("should have no cycle between modules", () => {
    const cycle = findCycle(graph())
    expect(cycle?.map((f) => relative(src, f))).toBeUndefined()
  })

  it("should not import seal/ from formats/", () => {
    const bad = [...graph()].filter(
      ([f, deps]) => f.includes("/formats/") && deps.some((d) => d.includes("/seal/")),
    )
    expect(bad.map(([f]) => relative(src, f))).toEqual([])
  })
})
