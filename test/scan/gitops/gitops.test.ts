import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { checkGitops, maskRanges, type Finding } from "../../../src/index.js"
import { contextOf, fixtureRepo, listFiles, uriDetector } from "./helpers.js"

const ctx = contextOf(fixtureRepo)

async function scanFixture(path: string): Promise<{ findings: readonly Finding[]; masked: string }> {
  const text = readFileSync(join(fixtureRepo, path), "utf8")
  const r = await checkGitops(path, text, ctx, uriDetector)
  return { findings: r.findings, masked: maskRanges(text, r.sealedRanges) }
}
const rules = (fs: readonly Finding[]): string[] => fs.map((f) => f.ruleId).sort()

// Every fixture file, with the GitOps findings it must produce (clean files: none).
const expected: Record<string, string[]> = {
  ".sops.yaml": [],
  "secrets/app.enc.yaml": [],
  "secrets/README.md": [],
  "secrets/app-partial.enc.yaml": ["sops-plaintext-value"],
  "secrets/unsealed.yaml": ["sops-unsealed-file"],
  "secrets/bad-envelope.enc.yaml": [
    "sops-iv-reuse",
    "sops-malformed-envelope",
    "sops-malformed-envelope",
    "sops-malformed-envelope",
  ],
  "secrets/no-mac.enc.yaml": ["sops-malformed-metadata"],
  "secrets/no-recipients.enc.yaml": ["sops-malformed-metadata"],
  "k8s/db.secret.yaml": [],
  "k8s/weak.secret.yaml": ["sops-plaintext-value"],
  "k8s/plain-secret.yaml": ["k8s-secret-plaintext", "k8s-secret-plaintext", "test-uri"],
  "k8s/secret-placeholders.yaml": [],
  "k8s/sealed-secret.yaml": [],
  "k8s/external-secret.yaml": [],
  "k8s/sops-secret.yaml": [],
  "keys/ops.agekey": ["sops-recipient-private-key"],
  "keys/ops-private.asc": ["sops-recipient-private-key"],
  "clean-keys/other.agekey": [],
}

describe("GitOps checks on the fixture repository", () => {
  it("covers every fixture file", () => {
    expect(listFiles(fixtureRepo)).toEqual(Object.keys(expected).sort())
  })

  for (const [path, want] of Object.entries(expected)) {
    it(`${path}: ${want.length === 0 ? "clean" : want.join(", ")}`, async () => {
      const { findings } = await scanFixture(path)
      expect(rules(findings)).toEqual([...want].sort())
      for (const f of findings) {
        expect(f.path).toBe(path)
        expect(f.line).toBeGreaterThanOrEqual(1)
        expect(f.fingerprint).toMatch(/^[0-9a-f]{64}$/)
      }
    })
  }
})

describe("what the findings say", () => {
  it("names the plaintext key and its line, never the value", async () => {
    const { findings } = await scanFixture("secrets/app-partial.enc.yaml")
    const [f] = findings
    expect(f?.description).toContain("database.admin_password")
    expect(f?.line).toBe(4)
    // The value is in the scanned file, so its absence from the findings means something.
    expect(readFileSync(join(fixtureRepo, "secrets/app-partial.enc.yaml"), "utf8")).toContain(
      "hunter2-but-much-longer",
    )
    expect(JSON.stringify(findings)).not.toContain("hunter2-but-much-longer")
  })

  it("reports the creation rule's stricter selection, not only the file's own", async () => {
    const { findings } = await scanFixture("k8s/weak.secret.yaml")
    expect(findings[0]?.description).toContain("stringData.username")
  })

  it("says why each envelope is malformed", async () => {
    const { findings } = await scanFixture("secrets/bad-envelope.enc.yaml")
    const text = findings.map((f) => f.description).join("\n")
    expect(text).toMatch(/database\.host: iv is 12 bytes/)
    expect(text).toMatch(/database\.port: tag is 12 bytes/)
    expect(text).toMatch(/feature_flag: unknown value type "boolean"/)
    expect(text).toMatch(/api_token reuses the IV of database\.password/)
  })

  it("names the missing MAC and the missing recipients", async () => {
    expect((await scanFixture("secrets/no-mac.enc.yaml")).findings[0]?.description).toContain("missing MAC")
    expect((await scanFixture("secrets/no-recipients.enc.yaml")).findings[0]?.description).toContain(
      "no master key",
    )
  })

  it("decodes Secret data and reports the detector hit on the key's line", async () => {
    const { findings } = await scanFixture("k8s/plain-secret.yaml")
    const uri = findings.find((f) => f.ruleId === "test-uri")
    expect(uri?.line).toBe(15)
    expect(uri?.description).toContain("data.DATABASE_URL")
    const keys = findings.filter((f) => f.ruleId === "k8s-secret-plaintext").map((f) => f.description)
    expect(keys.join()).toMatch(/data\.DATABASE_URL.*stringData\.API_KEY/)
  })

  it("marks the age and PGP keys that open the repository as critical", async () => {
    for (const p of ["keys/ops.agekey", "keys/ops-private.asc"]) {
      const [f] = (await scanFixture(p)).findings
      expect(f?.severity).toBe("critical")
      expect(f?.description).toContain("opens this repository")
    }
  })

  it("blanks sops ciphertext and metadata, keeping line structure", async () => {
    const text = readFileSync(join(fixtureRepo, "secrets/app.enc.yaml"), "utf8")
    const { masked } = await scanFixture("secrets/app.enc.yaml")
    expect(text).toContain("ENC[")
    expect(text).toContain("BEGIN AGE ENCRYPTED FILE")
    expect(masked.length).toBe(text.length)
    expect(masked.split("\n").length).toBe(text.split("\n").length)
    expect(masked).not.toContain("ENC[")
    expect(masked).not.toContain("BEGIN AGE ENCRYPTED FILE")
    expect(masked).toContain("database:")
  })

  it("blanks SealedSecret encryptedData but not its other fields", async () => {
    const { masked } = await scanFixture("k8s/sealed-secret.yaml")
    expect(readFileSync(join(fixtureRepo, "k8s/sealed-secret.yaml"), "utf8")).toContain("AgBy3i4")
    expect(masked).not.toContain("AgBy3i4")
    expect(masked).toContain("DATABASE_URL:")
  })

  it("flags leftover sealbridge temp files by name", async () => {
    for (const p of [
      "secrets/.app.yaml.0123456789ab.tmp",
      "x/.a.env.sealbridge-tmp-1a2b",
      "sealbridge-edit-x1/app.yaml",
    ]) {
      const r = await checkGitops(p, "a: b\n", ctx, uriDetector)
      expect(rules(r.findings)).toEqual(["sealbridge-temp-file"])
    }
    const clean = await checkGitops("build/notes.tmp", "a: b\n", ctx, uriDetector)
    expect(clean.findings).toEqual([])
  })
})
