import { randomUUID } from "node:crypto"
import vault from "node-vault"
import { describe, expect, it } from "vitest"
import { peerEnv, requirePeer } from "../peers.js"

// Vault API (the dev server started by scripts/peers.sh) through node-vault: KV v2, transit, policies.
const peer = requirePeer("vault", "VAULT_ADDR")

describe.skipIf(peer.skip)("peer smoke: Vault via node-vault", () => {
  const root = vault({ apiVersion: "v1", endpoint: peerEnv("VAULT_ADDR"), token: peerEnv("VAULT_TOKEN") })

  // Peer smoke test: the server behind VAULT_ADDR is the flavour scripts/peers.sh says it started
  // (OpenBao by default, HashiCorp Vault with SEALBRIDGE_VAULT_FLAVOR=hashicorp), with its mounts.
  it("should be the recorded Vault flavour with transit, AppRole and Kubernetes auth enabled", async () => {
    const health = (await root.health()) as { version: string }
    const flavor = peerEnv("VAULT_FLAVOR") || "openbao"
    expect(health.version).toMatch(flavor === "hashicorp" ? /^1\.19\./ : /^2\.7\./)
    const auths = Object.keys(((await root.auths()) as { data: Record<string, unknown> }).data)
    expect(auths).toEqual(expect.arrayContaining(["approle/", "kubernetes/", "token/"]))
    const mounts = Object.keys(((await root.mounts()) as { data: Record<string, unknown> }).data)
    expect(mounts).toEqual(expect.arrayContaining(["secret/", "transit/"]))
  })

  it("should write, read and keep versions in KV v2", async () => {
    const path = `secret/data/it-${randomUUID()}`
    await root.write(path, { data: { password: "one" } })
    await root.write(path, { data: { password: "two" } })
    const latest = (await root.read(path)) as {
      data: { data: { password: string }; metadata: { version: number } }
    }
    expect(latest.data.data.password).toBe("two")
    expect(latest.data.metadata.version).toBe(2)
    const v1 = (await root.read(`${path}?version=1`)) as { data: { data: { password: string } } }
    expect(v1.data.data.password).toBe("one")
  })

  it("should encrypt and decrypt with transit", async () => {
    const key = `it-${randomUUID()}`
    await root.write(`transit/keys/${key}`, {})
    const plaintext = Buffer.from(new Uint8Array(32).map((_, i) => 255 - i)).toString("base64")
    const enc = (await root.write(`transit/encrypt/${key}`, { plaintext })) as {
      data: { ciphertext: string }
    }
    expect(enc.data.ciphertext).toMatch(/^vault:v1:/)
    const dec = (await root.write(`transit/decrypt/${key}`, { ciphertext: enc.data.ciphertext })) as {
      data: { plaintext: string }
    }
    expect(dec.data.plaintext).toBe(plaintext)
  })

  it("should deny a token whose policy does not cover the path", async () => {
    const allowed = `secret/data/it-allowed-${randomUUID()}`
    const denied = `secret/data/it-denied-${randomUUID()}`
    await root.write(allowed, { data: { v: "ok" } })
    await root.write(denied, { data: { v: "no" } })
    const policy = `it-${randomUUID()}`
    await root.addPolicy({ name: policy, rules: `path "${allowed}" { capabilities = ["read"] }` })
    const created = (await root.tokenCreate({ policies: [policy] })) as { auth: { client_token: string } }
    const limited = vault({
      apiVersion: "v1",
      endpoint: peerEnv("VAULT_ADDR"),
      token: created.auth.client_token,
    })
    const ok = (await limited.read(allowed)) as { data: { data: { v: string } } }
    expect(ok.data.data.v).toBe("ok")
    await expect(limited.read(denied)).rejects.toThrow(/permission denied/)
  })
})
