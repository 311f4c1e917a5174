import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { assertLoopback, parseEnvFile } from "./integration/global-setup.js"

// The integration suite must never reach a real account or cluster by accident.
describe("peers loopback guard", () => {
  it("should accept the endpoints peers.sh writes", () => {
    const env = parseEnvFile(
      "AWS_ENDPOINT_URL_KMS=http://127.0.0.1:4566\nVAULT_ADDR=http://localhost:8200\n# note\n",
    )
    expect(env["VAULT_ADDR"]).toBe("http://localhost:8200")
    expect(() => assertLoopback(env)).not.toThrow()
  })

  it.each([
    ["AWS_ENDPOINT_URL_KMS", "https://kms.us-east-1.amazonaws.com"],
    ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://10.0.0.5:4566"],
    ["VAULT_ADDR", "https://vault.example.com:8200"],
  ])("should refuse %s=%s", (name, url) => {
    expect(() => assertLoopback({ [name]: url })).toThrow(/not a loopback address/)
  })

  it("should refuse a kubeconfig that points at a remote cluster", () => {
    const dir = mkdtempSync(join(tmpdir(), "guard-"))
    try {
      const file = join(dir, "kubeconfig")
      writeFileSync(file, "clusters:\n  - cluster:\n      server: https://k8s.example.com:6443\n")
      expect(() => assertLoopback({ KUBECONFIG: file })).toThrow(/kubeconfig server/)
      writeFileSync(file, "clusters:\n  - cluster:\n      server: https://127.0.0.1:6443\n")
      expect(() => assertLoopback({ KUBECONFIG: file })).not.toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
