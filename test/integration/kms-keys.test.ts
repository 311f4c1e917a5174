import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms"
import { randomUUID } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stsSessionName } from "../../src/keys/aws-kms.js"
import { peerEnv, requireBinary, requirePeer } from "./peers.js"
import { awsEnv, cliPath, exec, hasStack, workDir } from "./tools.js"

// AWS KMS master keys through the built CLI against moto, and interop with the real sops.
const peer = requirePeer("moto", "AWS_ENDPOINT_URL_KMS")
const sops = requireBinary("SOPS_BIN", "sops")
const dir = workDir("sealbridge-kms-")
afterAll(dir.cleanup)

const env = (): Record<string, string> => ({ HOME: dir.path, ...awsEnv() })
const ours = (args: string[], extra: Record<string, string> = {}, cwd?: string) =>
  exec(process.execPath, [cliPath, ...args], { ...env(), ...extra }, cwd)
const theirs = (args: string[], extra: Record<string, string> = {}, cwd?: string) =>
  exec(sops.path, args, { ...env(), ...extra }, cwd)

let arn = ""
let aliasArn = ""
const plain = join(dir.path, "app.yaml")
const text = "db:\n    password: hunter2\n    port: 5432\n"

beforeAll(async () => {
  if (peer.skip) return
  const kms = new KMSClient({})
  arn = (await kms.send(new CreateKeyCommand({ Description: "sealbridge kms-keys" }))).KeyMetadata?.Arn ?? ""
  const alias = `alias/sb-${randomUUID()}`
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: arn }))
  aliasArn = arn.replace(/:key\/.*$/, `:${alias}`)
  kms.destroy()
  writeFileSync(plain, text)
})

const save = (name: string, content: string): string => {
  const p = join(dir.path, name)
  writeFileSync(p, content)
  return p
}

describe.skipIf(peer.skip)("AWS KMS keys (moto)", () => {
  it("should seal with a key and an encryption context, store it as sops does, and open it", () => {
    const r = ours(["encrypt", "--kms", arn, "--encryption-context", "app:web,env:prod", plain])
    expect(r.err).toBe("")
    expect(r.code).toBe(0)
    expect(r.out).toContain(
      `- arn: ${arn}\n          aws_profile: ""\n          context:\n            app: web\n            env: prod\n          created_at: "`,
    )
    const opened = ours(["decrypt", save("ctx.yaml", r.out)])
    expect(opened.err).toBe("")
    expect(opened.out).toBe(text)
  })

  it("should fail with exit 128 naming the key when the context differs", () => {
    const sealed = ours(["encrypt", "--kms", arn, "--encryption-context", "app:web", plain]).out
    const file = save("ctx-changed.yaml", sealed.replace("app: web", "app: api"))
    const r = ours(["decrypt", file])
    expect(r.code).toBe(128)
    expect(r.out).toBe("")
    expect(r.err).toContain(`kms ${arn}: wrong encryption context`)
    expect(hasStack(r.err)).toBe(false)
    expect(r.err).not.toContain("hunter2")
  })

  it("should take the region from an alias ARN and open it", () => {
    const r = ours(["encrypt", "--kms", aliasArn, plain])
    expect(r.code).toBe(0)
    expect(r.out).toContain(`- arn: ${aliasArn}`)
    expect(ours(["decrypt", save("alias.yaml", r.out)]).out).toBe(text)
  })

  it("should assume ARN+ROLE through STS with sops' session name", async () => {
    const role = `arn:aws:iam::123456789012:role/sb-${randomUUID().slice(0, 8)}`
    const r = ours(["encrypt", "--kms", `${arn}+${role}`, plain])
    expect(r.err).toBe("")
    expect(r.out).toContain(`role: ${role}`)
    expect(ours(["decrypt", save("role.yaml", r.out)]).out).toBe(text)
    const state = (await (await fetch(`${peerEnv("MOTO_URL")}/moto-api/data.json`)).json()) as {
      sts?: { AssumedRole?: { role_arn: string; session_name: string }[] }
    }
    const sessions = (state.sts?.AssumedRole ?? []).filter((a) => a.role_arn === role)
    expect(sessions.length).toBe(2) // encrypt and decrypt each assume the role once
    expect(sessions[0]?.session_name).toBe(stsSessionName(hostname()))
  })

  it("should use SOPS_KMS_ARN and kms keys from .sops.yaml rules and key groups", () => {
    const cfg = join(dir.path, "cfg")
    mkdirSync(join(cfg, "flat"), { recursive: true })
    mkdirSync(join(cfg, "groups"), { recursive: true })
    writeFileSync(
      join(cfg, ".sops.yaml"),
      [
        "creation_rules:",
        "  - path_regex: flat/",
        `    kms: ${arn}`,
        "  - path_regex: groups/",
        "    key_groups:",
        "      - kms:",
        `          - arn: ${arn}`,
        "            context: {team: blue}",
        "",
      ].join("\n"),
    )
    writeFileSync(join(cfg, "flat", "a.yaml"), text)
    writeFileSync(join(cfg, "groups", "b.yaml"), text)
    const flat = ours(["encrypt", "flat/a.yaml"], {}, cfg)
    expect(flat.code).toBe(0)
    expect(flat.out).toContain(`- arn: ${arn}`)
    const grouped = ours(["encrypt", "groups/b.yaml"], {}, cfg)
    expect(grouped.out).toContain("context:\n            team: blue")
    expect(theirs(["decrypt", save("grouped.yaml", grouped.out)]).out).toBe(text)
    const fromEnv = ours(["encrypt", plain], { SOPS_KMS_ARN: arn })
    expect(fromEnv.out).toContain(`- arn: ${arn}`)
  })

  it("should use --aws-profile credentials and store the profile", () => {
    const aws = join(dir.path, "aws")
    mkdirSync(aws, { recursive: true })
    writeFileSync(join(aws, "credentials"), "[sb]\naws_access_key_id = test\naws_secret_access_key = test\n")
    const noEnvCreds: Record<string, string> = {
      ...env(),
      AWS_CONFIG_FILE: join(aws, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(aws, "credentials"),
    }
    delete noEnvCreds["AWS_ACCESS_KEY_ID"]
    delete noEnvCreds["AWS_SECRET_ACCESS_KEY"]
    const run = (args: string[]) => exec(process.execPath, [cliPath, ...args], noEnvCreds)
    const r = run(["encrypt", "--kms", arn, "--aws-profile", "sb", plain])
    expect(r.err).toBe("")
    expect(r.out).toContain("aws_profile: sb")
    expect(run(["decrypt", save("profile.yaml", r.out)]).out).toBe(text)
    const none = run(["encrypt", "--kms", arn, plain])
    expect(none.code).toBe(1)
    expect(none.err).toContain(`kms ${arn}: no credentials`)
    expect(hasStack(none.err)).toBe(false)
  })

  it("should refuse a malformed --encryption-context with exit 6, as sops does", () => {
    const mine = ours(["encrypt", "--kms", arn, "--encryption-context", "novalue", plain])
    expect(mine.code).toBe(6)
    if (!sops.skip)
      expect(theirs(["encrypt", "--kms", arn, "--encryption-context", "novalue", plain]).code).toBe(6)
  })

  it("should keep the AWS SDK's notices off stderr unless --debug", () => {
    const quiet = ours(["encrypt", "--kms", arn, plain])
    expect(quiet.err).toBe("")
    if (Number(process.versions.node.split(".")[0]) < 22) {
      const loud = ours(["encrypt", "--debug", "--kms", arn, plain])
      expect(loud.err).toContain("NodeVersionSupportWarning")
    }
  })
})

describe.skipIf(peer.skip || sops.skip)("AWS KMS interop with sops 3.13", () => {
  it("should open with sops -d a file sealed by sealbridge with KMS and a context", () => {
    const r = ours(["encrypt", "--kms", arn, "--encryption-context", "app:web", plain])
    const opened = theirs(["decrypt", save("ours-kms.yaml", r.out)])
    expect(opened.err).toBe("")
    expect(opened.out).toBe(text)
  })

  it("should open with sealbridge a file sealed by sops with KMS, a context and a role", () => {
    const role = `arn:aws:iam::123456789012:role/sb-${randomUUID().slice(0, 8)}`
    const r = theirs(["encrypt", "--kms", `${arn}+${role}`, "--encryption-context", "app:web,tier:1", plain])
    expect(r.code).toBe(0)
    const file = save("theirs-kms.yaml", r.out)
    const opened = ours(["decrypt", file])
    expect(opened.err).toBe("")
    expect(opened.out).toBe(text)
    expect(readFileSync(file, "utf8")).toContain(`role: ${role}`)
  })
})
