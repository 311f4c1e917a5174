import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from "@aws-sdk/client-secrets-manager"
import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import { createSecretsManagerApi } from "../../src/clients/aws-sm.js"
import { createProvider } from "../../src/providers/registry.js"
import type { AwsStoreConfig, ProviderDeps, SecretProvider } from "../../src/providers/provider.js"
import { extractProperty } from "../../src/providers/property.js"
import { requirePeer } from "./peers.js"

// The AWS provider (src/providers/aws + src/clients/aws-sm.ts) against moto's Secrets Manager and STS.
const peer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")
const dec = (b: Uint8Array | undefined): string => new TextDecoder().decode(b ?? new Uint8Array())

describe.skipIf(peer.skip)("AWS Secrets Manager provider against moto", () => {
  const deps: ProviderDeps = { now: () => new Date(), env: { ...process.env } }
  const region = process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? "us-east-1"
  const sm = new SecretsManagerClient({ region })
  const run = randomUUID().slice(0, 8)
  const prefix = `sealbridge/prov-${run}/`
  const store = (extra: Partial<AwsStoreConfig> = {}): Promise<SecretProvider> =>
    createProvider({ provider: "aws", region, prefix, auth: { kind: "default" }, ...extra }, deps)
  const create = async (name: string, value: string | Uint8Array, tags: Record<string, string> = {}) => {
    const body = typeof value === "string" ? { SecretString: value } : { SecretBinary: value }
    const out = await sm.send(new CreateSecretCommand({ Name: prefix + name, ...body }))
    if (Object.keys(tags).length > 0)
      await sm.send(
        new TagResourceCommand({
          SecretId: prefix + name,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      )
    return out.VersionId ?? ""
  }

  it("should read a plain, a JSON (with property) and a binary secret", async () => {
    await create("plain", "hunter2")
    await create("json", '{"name":{"first":"Tom"},"friends":[{"first":"Dale"}]}')
    await create("bin", new Uint8Array([0, 1, 254, 255]))
    const p = await store()
    try {
      expect(dec(await p.get({ key: "plain" }))).toBe("hunter2")
      const json = await p.get({ key: "json" })
      expect(extractProperty(json, "name.first", "json")).toBe("Tom")
      expect(extractProperty(json, "friends.0.first", "json")).toBe("Dale")
      expect([...(await p.get({ key: "bin" }))]).toEqual([0, 1, 254, 255])
      const map = await p.getMap({ key: "json" })
      expect(dec(map.get("name"))).toBe('{"first":"Tom"}')
    } finally {
      await p.close()
    }
  })

  it("should read by version stage and by uuid/<VersionId>", async () => {
    const first = await create("versioned", "one")
    await sm.send(new PutSecretValueCommand({ SecretId: `${prefix}versioned`, SecretString: "two" }))
    const p = await store()
    try {
      expect(dec(await p.get({ key: "versioned" }))).toBe("two")
      expect(dec(await p.get({ key: "versioned", version: "AWSPREVIOUS" }))).toBe("one")
      expect(dec(await p.get({ key: "versioned", version: `uuid/${first}` }))).toBe("one")
    } finally {
      await p.close()
    }
  })

  it("should report a missing secret as NOT_FOUND", async () => {
    const p = await store()
    try {
      await expect(p.get({ key: `missing-${randomUUID()}` })).rejects.toMatchObject({ code: "NOT_FOUND" })
    } finally {
      await p.close()
    }
  })

  it("should find by name regexp and tags across pages with BatchGetSecretValue", async () => {
    for (let i = 0; i < 3; i++)
      await create(`find/db-${i}`, `db${i}`, { team: "a", env: i === 1 ? "dev" : "prod" })
    await create("find/cache", "c", { team: "a", env: "prod" })
    const p = await store()
    try {
      const byName = await p.find({ path: "find/", name: "db-[0-9]$" })
      expect([...byName.keys()]).toEqual(["find/db-0", "find/db-1", "find/db-2"])
      const byTags = await p.find({ path: "find/", tags: { team: "a", env: "prod" } })
      expect([...byTags.keys()]).toEqual(["find/cache", "find/db-0", "find/db-2"])
      expect(dec(byTags.get("find/db-2"))).toBe("db2")
    } finally {
      await p.close()
    }
  })

  it("should authenticate with static keys and through AssumeRole / AssumeRoleWithWebIdentity", async () => {
    await create("auth", "ok")
    const role = "arn:aws:iam::123456789012:role/sealbridge-it"
    const stat = await store({
      auth: { kind: "static", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x".repeat(40) },
    })
    const assumed = await store({
      role,
      auth: { kind: "static", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x".repeat(40) },
    })
    let tokens = 0
    const web = await store({
      auth: { kind: "webIdentity", roleArn: role, token: () => Promise.resolve(`jwt-${++tokens}`) },
    })
    try {
      for (const p of [stat, assumed, web]) {
        await p.validate()
        expect(dec(await p.get({ key: "auth" }))).toBe("ok")
      }
      await web.get({ key: "auth" })
      // assumed web-identity credentials are reused, not re-minted per call
      expect(tokens).toBe(1)
      // the calls really ran as the assumed role
      const api = createSecretsManagerApi(
        {
          provider: "aws",
          region,
          role,
          auth: { kind: "webIdentity", roleArn: role, token: () => Promise.resolve("jwt") },
        },
        deps,
      )
      expect(await api.whoAmI()).toMatch(/assumed-role\/sealbridge-it\/sealbridge$/)
      api.close()
    } finally {
      await Promise.all([stat.close(), assumed.close(), web.close()])
    }
  })
})
