import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms"
import { randomUUID } from "node:crypto"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { peerEnv, requireBinary, requirePeer } from "./peers.js"
import { awsEnv, cliPath, exec, hasStack, vaultEnv, workDir } from "./tools.js"

// Shamir across key kinds: 3 groups (KMS, age, transit), threshold 2, checked against sops too.
const moto = requirePeer("moto", "AWS_ENDPOINT_URL_KMS")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")
const sops = requireBinary("SOPS_BIN", "sops")
const skip = moto.skip || vaultPeer.skip || sops.skip
const dir = workDir("sealbridge-mixed-")
afterAll(dir.cleanup)

const keyFile = join(dir.path, "age.txt")
const text = "db:\n    password: hunter2\n"
let sealedByUs = ""
let sealedBySops = ""

type Kind = "kms" | "age" | "vault"
/** An environment in which only the named kinds have credentials. */
function only(...kinds: Kind[]): Record<string, string> {
  const env: Record<string, string> = { HOME: dir.path, ...awsEnv(), ...vaultEnv() }
  if (!kinds.includes("kms")) {
    delete env["AWS_ACCESS_KEY_ID"]
    delete env["AWS_SECRET_ACCESS_KEY"]
    env["AWS_SHARED_CREDENTIALS_FILE"] = join(dir.path, "none")
    env["AWS_CONFIG_FILE"] = join(dir.path, "none")
  }
  if (kinds.includes("age")) env["SOPS_AGE_KEY_FILE"] = keyFile
  if (!kinds.includes("vault")) env["VAULT_TOKEN"] = ""
  return env
}
const ours = (args: string[], env: Record<string, string>) =>
  exec(process.execPath, [cliPath, ...args], env, dir.path)
const theirs = (args: string[], env: Record<string, string>) => exec(sops.path, args, env, dir.path)

beforeAll(async () => {
  if (skip) return
  const recipient = ours(["keygen", "-o", keyFile], only()).out.trim()
  const kms = new KMSClient({})
  const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? ""
  kms.destroy()
  const key = `sb-${randomUUID()}`
  const r = await fetch(`${peerEnv("VAULT_ADDR")}/v1/transit/keys/${key}`, {
    method: "POST",
    headers: { "X-Vault-Token": peerEnv("VAULT_TOKEN") },
  })
  if (r.status >= 300) throw new Error(`transit key: ${r.status}`)
  const uri = `${peerEnv("VAULT_ADDR")}/v1/transit/keys/${key}`
  writeFileSync(
    join(dir.path, ".sops.yaml"),
    [
      "creation_rules:",
      "  - shamir_threshold: 2",
      "    key_groups:",
      "      - kms:",
      `          - arn: ${arn}`,
      `      - age: [${recipient}]`,
      `      - hc_vault: [${uri}]`,
      "",
    ].join("\n"),
  )
  writeFileSync(join(dir.path, "app.yaml"), text)
  const mine = ours(["encrypt", "app.yaml"], only("kms", "vault"))
  if (mine.code !== 0) throw new Error(`seal failed: ${mine.err}`)
  sealedByUs = join(dir.path, "ours.yaml")
  writeFileSync(sealedByUs, mine.out)
  const their = theirs(["encrypt", "app.yaml"], only("kms", "vault"))
  if (their.code !== 0) throw new Error(`sops seal failed: ${their.err}`)
  sealedBySops = join(dir.path, "theirs.yaml")
  writeFileSync(sealedBySops, their.out)
})

const pairs: Kind[][] = [
  ["kms", "age"],
  ["kms", "vault"],
  ["age", "vault"],
]

describe.skipIf(skip)("mixed key groups with Shamir (KMS, age, transit; 2 of 3)", () => {
  for (const pair of pairs) {
    it(`should open with ${pair.join(" + ")}, and sops agrees, for files sealed by either tool`, () => {
      for (const file of [sealedByUs, sealedBySops]) {
        const a = ours(["decrypt", file], only(...pair))
        expect(a.err).toBe("")
        expect(a.out).toBe(text)
        expect(theirs(["decrypt", file], only(...pair)).out).toBe(text)
      }
    })
  }

  for (const single of ["kms", "age", "vault"] as const) {
    it(`should fail with exit 128 and one line per key with ${single} alone, as sops does`, () => {
      for (const file of [sealedByUs, sealedBySops]) {
        const a = ours(["decrypt", file], only(single))
        expect(a.code).toBe(128)
        expect(a.out).toBe("")
        expect(a.err).toContain("(1 of 2 key groups opened)")
        expect(a.err.split("\n").filter((l) => /^ {2}(kms|age|hc_vault) group \d: /.test(l)).length).toBe(2)
        expect(hasStack(a.err)).toBe(false)
        expect(a.err).not.toContain("hunter2")
        expect(theirs(["decrypt", file], only(single)).code).toBe(128)
      }
    })
  }

  it("should write the key groups in sops' layout", () => {
    const mine = exec("cat", [sealedByUs], {}).out
    expect(mine).toContain("key_groups:")
    expect(mine).toContain("shamir_threshold: 2")
  })
})
