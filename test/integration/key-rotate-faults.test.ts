import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms"
import { randomUUID } from "node:crypto"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createServer, type Server, type Socket } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { peerEnv, requirePeer } from "./peers.js"
import { awsEnv, cliPath, exec, hasStack, vaultEnv, workDir } from "./tools.js"

// rotate with every key type, and key services that are down or slow (never the shared peers:
// a closed local port stands for "down", a local socket that never answers for "slow").
const moto = requirePeer("moto", "AWS_ENDPOINT_URL_KMS")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")
const skip = moto.skip || vaultPeer.skip
const dir = workDir("sealbridge-faults-")
const env = (): Record<string, string> => ({ HOME: dir.path, ...awsEnv(), ...vaultEnv() })
const ours = (args: string[], extra: Record<string, string> = {}) =>
  exec(process.execPath, [cliPath, ...args], { ...env(), ...extra })

let arn = ""
let arn2 = ""
let uri = ""
let closedPort = 0
let silent: Server | undefined
const sockets: Socket[] = []
let silentPort = 0
const text = "db:\n    password: hunter2\n"
const plain = join(dir.path, "app.yaml")

beforeAll(async () => {
  if (skip) return
  const kms = new KMSClient({})
  arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? ""
  arn2 = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? ""
  kms.destroy()
  const key = `sb-${randomUUID()}`
  await fetch(`${peerEnv("VAULT_ADDR")}/v1/transit/keys/${key}`, {
    method: "POST",
    headers: { "X-Vault-Token": peerEnv("VAULT_TOKEN") },
  })
  uri = `${peerEnv("VAULT_ADDR")}/v1/transit/keys/${key}`
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r))
  closedPort = (probe.address() as { port: number }).port
  await new Promise<void>((r) => probe.close(() => r()))
  silent = createServer((s) => void sockets.push(s))
  await new Promise<void>((r) => silent?.listen(0, "127.0.0.1", r))
  silentPort = (silent.address() as { port: number }).port
  writeFileSync(plain, text)
})
afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise<void>((r) => (silent === undefined ? r() : silent.close(() => r())))
  dir.cleanup()
})

describe.skipIf(skip)("rotate with KMS, transit and age keys", () => {
  it("should add and remove kms and transit keys, re-sealing under a new data key", () => {
    const file = join(dir.path, "r.yaml")
    writeFileSync(file, ours(["encrypt", "--kms", arn, plain]).out)
    const r1 = ours(["rotate", "-i", "--add-kms", arn2, "--add-hc-vault-transit", uri, file])
    expect([r1.code, r1.err]).toEqual([0, ""])
    const after = readFileSync(file, "utf8")
    expect(after).toContain("kms:")
    expect(after).toContain(arn2)
    expect(after).toContain("hc_vault:")
    const r2 = ours(["rotate", "-i", "--rm-kms", `${arn},${arn2}`, file])
    expect(r2.code).toBe(0)
    const last = readFileSync(file, "utf8")
    expect(last).not.toContain("kms:")
    expect(ours(["decrypt", file]).out).toBe(text)
    const r3 = ours(["rotate", "-i", "--rm-hc-vault-transit", uri, file])
    expect(r3.code).toBe(1)
    expect(r3.err).toContain("no master key")
  })
})

describe.skipIf(skip)("key services down or slow", () => {
  it("should leave the file byte-identical, with no temp file, when KMS is unreachable during encrypt -i", () => {
    const file = join(dir.path, "down.yaml")
    writeFileSync(file, text)
    const before = readdirSync(dir.path).sort()
    const r = ours(["encrypt", "-i", "--kms", arn, file], {
      AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${closedPort}`,
    })
    expect(r.code).toBe(1)
    expect(r.err).toContain(`kms ${arn}: service unreachable`)
    expect(hasStack(r.err)).toBe(false)
    expect(readFileSync(file, "utf8")).toBe(text)
    expect(readdirSync(dir.path).sort()).toEqual(before)
  })

  it("should name the transit key when Vault is unreachable, and exit 128 on decrypt", () => {
    const down = `http://127.0.0.1:${closedPort}/v1/transit/keys/k`
    const r = ours(["encrypt", "--hc-vault-transit", down, plain])
    expect(r.code).toBe(1)
    expect(r.err).toContain(`hc_vault ${down}: service unreachable`)
    const sealed = ours(["encrypt", "--hc-vault-transit", uri, plain]).out
    const moved = join(dir.path, "moved.yaml")
    writeFileSync(moved, sealed.replace(/vault_address: .*/, `vault_address: http://127.0.0.1:${closedPort}`))
    const d = ours(["decrypt", moved])
    expect(d.code).toBe(128)
    expect(d.err).toContain("service unreachable")
  })

  it("should bound a backend that never answers by --key-timeout and SEALBRIDGE_KEY_TIMEOUT", () => {
    const slow = `http://127.0.0.1:${silentPort}/v1/transit/keys/k`
    const start = Date.now()
    const r = ours(["encrypt", "--key-timeout", "1s", "--hc-vault-transit", slow, plain])
    expect(Date.now() - start).toBeLessThan(15_000)
    expect(r.code).toBe(1)
    expect(r.err).toContain(`hc_vault ${slow}: service unreachable (timed out after 1s)`)
    const k = ours(["encrypt", "--kms", arn, plain], {
      AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${silentPort}`,
      SEALBRIDGE_KEY_TIMEOUT: "800ms",
    })
    expect(k.code).toBe(1)
    expect(k.err).toContain(`kms ${arn}: service unreachable (timed out after 0.8s)`)
  })
})
