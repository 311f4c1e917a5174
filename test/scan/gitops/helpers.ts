import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { parseSopsConfig, type Finding, type GitopsContext } from "../../../src/index.js"
import { fingerprint } from "../../../src/scan/scanner.js"

export const fixtureRepo = fileURLToPath(new URL("../../fixtures/scan/gitops/repo/", import.meta.url))

/** Every file of a directory, repo-relative with `/` separators. */
export function listFiles(root: string, dir = root): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...listFiles(root, p))
    else out.push(relative(root, p).split("\\").join("/"))
  }
  return out.sort()
}

export function contextOf(root: string): GitopsContext {
  const configs = listFiles(root)
    .filter((p) => p.endsWith(".sops.yaml"))
    .map((p) => parseSopsConfig(readFileSync(join(root, p), "utf8"), p))
  return { sopsConfigs: configs }
}

/**
 * Test-only stand-in for the detection engine: reports connection URIs with a password, so the
 * Secret check's base64 decoding is observable without depending on the detectors' rules.
 */
export function uriDetector(text: string, path: string): Finding[] {
  const m = /postgres:\/\/[^:\s]+:([^@\s]+)@/.exec(text)
  if (m === null) return []
  return [
    {
      ruleId: "test-uri",
      severity: "high",
      description: "connection URI with a password",
      path,
      line: 1,
      column: m.index + 1,
      redacted: "…",
      fingerprint: fingerprint("test-uri", path, m[1] ?? ""),
    },
  ]
}
