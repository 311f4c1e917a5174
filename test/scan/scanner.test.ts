import { describe, expect, it } from "vitest"
import { createScanner, scanText } from "../../src/scan/scanner.js"
import { isProbablyBinary } from "../../src/scan/binary.js"
import { Severity, type Detector } from "../../src/scan/finding.js"
import { awsKeyId, awsSecret, breakLast, githubToken, npmToken, rng } from "../helpers/tokens.js"

describe("scanText", () => {
  it("should report a checksum-valid GitHub token with line, column and a redacted form", () => {
    const token = githubToken(rng(1))
    const findings = scanText(`first line\n  export GITHUB_TOKEN=${token}\n`, "ci/env.sh")
    expect(findings).toHaveLength(1)
    const f = findings[0]
    expect(f).toMatchObject({ ruleId: "github-token", severity: "critical", path: "ci/env.sh", line: 2 })
    expect(f?.column).toBe(`  export GITHUB_TOKEN=`.length + 1)
    expect(f?.redacted).toBe(`ghp_…${token.slice(-3)}`)
    expect(JSON.stringify(findings)).not.toContain(token.slice(4, 20))
    expect(f?.fingerprint).toMatch(/^[0-9a-f]{64}$/)
  })

  it("should reject GitHub- and npm-shaped tokens whose checksum is wrong", () => {
    const r = rng(2)
    const text = `a=${breakLast(githubToken(r))}\nb=${breakLast(npmToken(r))}\n`
    expect(scanText(text, "x")).toEqual([])
  })

  it("should give a fingerprint that depends on rule, path and secret but not on the line", () => {
    const token = npmToken(rng(3))
    const [a] = scanText(`t=${token}`, "a.env")
    const [b] = scanText(`\n\n\nt=${token}`, "a.env")
    const [c] = scanText(`t=${token}`, "b.env")
    expect(a?.fingerprint).toBe(b?.fingerprint)
    expect(a?.fingerprint).not.toBe(c?.fingerprint)
    expect(b?.line).toBe(4)
  })

  it("should pair an AWS key id with its secret as critical and rate a lone key id medium", () => {
    const r = rng(4)
    const id = awsKeyId(r)
    const secret = awsSecret(r)
    const paired = scanText(
      `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`,
      "creds",
    )
    expect(paired.map((f) => [f.ruleId, f.severity, f.line])).toEqual([["aws-access-key", "critical", 3]])
    const alone = scanText(`id: ${id}\n`, "x.yaml")
    expect(alone.map((f) => [f.ruleId, f.severity])).toEqual([["aws-access-key-id", "medium"]])
  })

  it("should keep the strongest of overlapping matches and run detectors only near keywords", () => {
    let calls = 0
    const mk = (id: string, severity: Severity, kw: string): Detector => ({
      id,
      severity,
      keywords: [kw],
      detect(text) {
        calls++
        const i = text.indexOf("SECRET")
        return i < 0 ? [] : [{ ruleId: id, severity, start: i, end: i + 6, description: id }]
      },
    })
    const s = createScanner([mk("weak", Severity.Low, "weak"), mk("strong", Severity.High, "strong")])
    expect(s.scan("weak strong SECRET", "p").map((f) => f.ruleId)).toEqual(["strong"])
    calls = 0
    expect(s.scan("nothing to see SECRET", "p")).toEqual([])
    expect(calls).toBe(0)
  })
})

describe("isProbablyBinary", () => {
  it("should flag NUL bytes and control-heavy data but not text or UTF-16 with a BOM", () => {
    expect(isProbablyBinary(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]))).toBe(true)
    expect(isProbablyBinary(new Uint8Array(100).fill(1))).toBe(true)
    expect(isProbablyBinary(new TextEncoder().encode("hello\tworld\r\n"))).toBe(false)
    expect(isProbablyBinary(new Uint8Array([0xff, 0xfe, 0x68, 0x00]))).toBe(false)
    expect(isProbablyBinary(new Uint8Array(0))).toBe(false)
  })
})
