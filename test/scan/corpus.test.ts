import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { scanText } from "../../src/scan/scanner.js"
import { defaultDetectors } from "../../src/scan/detectors/registry.js"
import { buildCorpus, type Label } from "../helpers/scan-corpus.js"

const ROOT = join(import.meta.dirname, "../fixtures/scan")

interface Labels {
  readonly positives: readonly Label[]
  readonly negatives: readonly { readonly path: string; readonly kind: string }[]
}

if (process.env.UPDATE_SCAN_CORPUS === "1") {
  const corpus = buildCorpus()
  // only this corpus's directories: test/fixtures/scan/ also holds other suites' fixtures (gitops/)
  for (const dir of ["positives", "lookalikes", "traps"])
    rmSync(join(ROOT, dir), { recursive: true, force: true })
  for (const [path, text] of corpus.files) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true })
    writeFileSync(join(ROOT, path), text)
  }
  const labels = {
    version: 1,
    description:
      "sealbridge scan corpus: every positive is one expected finding (path, 1-based line, ruleId, severity); every negative file must produce no finding. Tokens are generated with valid checksums by test/helpers/scan-corpus.ts and were never issued.",
    positives: corpus.positives,
    negatives: corpus.negatives,
  }
  writeFileSync(join(ROOT, "labels.json"), JSON.stringify(labels, null, 2) + "\n")
}

const labels = JSON.parse(readFileSync(join(ROOT, "labels.json"), "utf8")) as Labels
const scan = (path: string) => scanText(readFileSync(join(ROOT, path), "utf8"), path)

describe("labelled corpus", () => {
  const byRule = new Map<string, Label[]>()
  for (const l of labels.positives) byRule.set(l.ruleId, [...(byRule.get(l.ruleId) ?? []), l])

  it.each([...byRule.keys()])("should find every planted %s", (ruleId) => {
    const planted = byRule.get(ruleId) ?? []
    const found = planted.filter((l) =>
      scan(l.path).some((f) => f.ruleId === l.ruleId && f.line === l.line && f.severity === l.severity),
    )
    expect(found).toEqual(planted)
  })

  it("should report nothing in the positive files beyond the labels", () => {
    const paths = [...new Set(labels.positives.map((l) => l.path))]
    const extra = paths.flatMap((p) =>
      scan(p)
        .filter(
          (f) => !labels.positives.some((l) => l.path === p && l.line === f.line && l.ruleId === f.ruleId),
        )
        .map((f) => `${p}:${f.line} ${f.ruleId}`),
    )
    expect(extra).toEqual([])
  })

  it.each(labels.negatives.map((n) => [n.kind, n.path]))("should report nothing in %s %s", (_kind, path) => {
    expect(scan(path).map((f) => `${f.line}:${f.ruleId}`)).toEqual([])
  })

  it("should have a planted true positive for every built-in detector", () => {
    const emitted = new Set(labels.positives.map((l) => l.ruleId))
    const missing = defaultDetectors.map((d) => d.id).filter((id) => !emitted.has(id))
    expect(missing).toEqual([])
  })
})
