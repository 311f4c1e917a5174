import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { inCi } from "../helpers/ci.js"
import { tempDir } from "../helpers/cli-io.js"
import { BUILD_INPUTS, BUILD_OUTPUTS, isStale } from "../helpers/ensure-build.js"

// Guards on the test suite itself (issue 8): CI detection, a fresh build under every CLI test,
// peer smoke tests kept apart from tests of sealbridge's code, and titles that promise an exit code.
const repo = fileURLToPath(new URL("../../", import.meta.url))

function files(dir: string, ext: RegExp): string[] {
  let out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out = out.concat(name === "fixtures" ? [] : files(p, ext))
    else if (ext.test(name)) out.push(p)
  }
  return out
}

describe("CI detection", () => {
  it("counts any non-empty CI as CI, and only that", () => {
    for (const v of ["true", "1", "yes", "woodpecker", "false"]) expect(inCi({ CI: v }), v).toBe(true)
    expect(inCi({ CI: "" })).toBe(false)
    expect(inCi({})).toBe(false)
  })

  it("no test, script or CI file compares CI to one literal value", () => {
    const literal = [
      /\[["']CI["']\]\s*[!=]==?\s*["'`]/,
      /\bprocess\.env\.CI\s*[!=]==?\s*["'`]/,
      /\$\{?CI\}?"?\s*!?==?\s*"?(true|1)\b/,
    ]
    const sources = [
      ...files(join(repo, "test"), /\.(ts|mjs|sh)$/),
      ...files(join(repo, "scripts"), /\.(ts|mjs|sh)$/),
      join(repo, ".ci", "run"),
    ]
    const offenders = sources
      .filter((f) => literal.some((re) => re.test(readFileSync(f, "utf8"))))
      .map((f) => relative(repo, f))
      .filter((f) => f !== "test/ci/test-hygiene.test.ts")
    expect(offenders).toEqual([])
  })
})

describe("fresh build under the CLI tests", () => {
  const tmp = tempDir()
  afterAll(tmp.cleanup)
  const at = (p: string, seconds: number): void => {
    const full = join(tmp.path, p)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, "")
    utimesSync(full, seconds, seconds)
  }

  it("is stale when dist is missing, when any input is newer than the oldest output, and not otherwise", () => {
    expect(isStale(tmp.path)).toBe(true)
    for (const o of BUILD_OUTPUTS) at(o, 2_000)
    at("src/a.ts", 1_000)
    at("cli/b.ts", 1_000)
    expect(isStale(tmp.path)).toBe(false)
    for (const input of ["controller/c.ts", "src/deep/d.ts", "scripts/bundle.mjs", "package-lock.json"]) {
      at(input, 3_000)
      expect(isStale(tmp.path), input).toBe(true)
      at(input, 1_000)
      expect(isStale(tmp.path), input).toBe(false)
    }
    // A build that stopped half way: one output older than a source.
    at("dist/src/index.js", 500)
    expect(isStale(tmp.path)).toBe(true)
  })

  it("watches every source tree the build reads", () => {
    expect([...BUILD_INPUTS]).toEqual(expect.arrayContaining(["src", "cli", "controller"]))
    const config = readFileSync(join(repo, "vitest.config.ts"), "utf8")
    expect(config.match(/globalSetup: \[[^\]]*"test\/helpers\/ensure-build\.ts"/g)?.length).toBe(2)
  })
})

describe("peer smoke tests", () => {
  const smokeDir = join(repo, "test", "integration", "peer-smoke")
  const smoke = files(smokeDir, /\.test\.ts$/)

  it("live in test/integration/peer-smoke, titled 'peer smoke:', and import none of sealbridge's code", () => {
    expect(smoke.map((f) => relative(smokeDir, f)).sort()).toEqual([
      "gitleaks.test.ts",
      "kms.test.ts",
      "kube.test.ts",
      "secrets-manager.test.ts",
      "vault.test.ts",
    ])
    for (const f of smoke) {
      const text = readFileSync(f, "utf8")
      const titles = [...text.matchAll(/describe(?:\.skipIf\([^)]*\))?\(\s*"([^"]*)"/g)].map((m) => m[1])
      expect(titles.length, f).toBeGreaterThan(0)
      for (const t of titles) expect(t, f).toMatch(/^peer smoke: /)
      expect(text, f).not.toMatch(/from "\.\.\/\.\.\/\.\.\/(src|cli|controller)\/|dist\/cli/)
    }
  })

  it("no other test is titled as a peer smoke test", () => {
    const others = files(join(repo, "test"), /\.test\.ts$/).filter((f) => !f.startsWith(smokeDir))
    const labelled = others
      .filter((f) => f !== fileURLToPath(import.meta.url))
      .filter((f) => /\(\s*"peer smoke:/.test(readFileSync(f, "utf8")))
    expect(labelled).toEqual([])
  })
})

describe("titles that name an exit code", () => {
  it("assert that code in their body", () => {
    const weak: string[] = []
    for (const f of files(join(repo, "test"), /\.test\.ts$/)) {
      const text = readFileSync(f, "utf8")
      const tests = [...text.matchAll(/\b(?:it|test)\(\s*(["`])((?:(?!\1)[^\\]|\\.)*)\1/g)]
      tests.forEach((m, i) => {
        const title = m[2] ?? ""
        const body = text.slice((m.index ?? 0) + m[0].length, tests[i + 1]?.index ?? text.length)
        for (const [, code] of title.matchAll(/\bexit(?:s| code| status)?(?: with)? (\d+)\b/g)) {
          const n = code ?? ""
          // toBe(n), toEqual([n, …]), a table row [n, …] / { code: n }, a helper's (…, n) argument,
          // or one side of a conditional (isMac ? 51 : 25).
          const asserted = new RegExp(
            `(toBe|toEqual|toStrictEqual)\\(\\s*${n}\\s*\\)|\\[\\s*${n}\\s*,|(code|status):\\s*${n}\\b|,\\s*${n}\\s*[,)\\]]|\\?\\s*${n}\\s*:|:\\s*${n}\\s*\\)`,
          )
          if (!asserted.test(body)) weak.push(`${relative(repo, f)}: ${title}`)
        }
      })
    }
    expect(weak).toEqual([])
  })
})
