import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import { requirePeer } from "../peers.js"

// AWS Secrets Manager through the real SDK against moto (AWS_ENDPOINT_URL_SECRETS_MANAGER).
const peer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

describe.skipIf(peer.skip)("peer smoke: Secrets Manager (moto) via @aws-sdk/client-secrets-manager", () => {
  const sm = new SecretsManagerClient({})
  const name = (): string => `sealbridge/it/${randomUUID()}`

  it("should create a secret and read it by version stage and by version id", async () => {
    const id = name()
    const first = await sm.send(new CreateSecretCommand({ Name: id, SecretString: '{"password":"one"}' }))
    const second = await sm.send(
      new PutSecretValueCommand({ SecretId: id, SecretString: '{"password":"two"}' }),
    )
    const current = await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: "AWSCURRENT" }))
    expect(current.SecretString).toBe('{"password":"two"}')
    expect(current.VersionId).toBe(second.VersionId)
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: "AWSPREVIOUS" }))
    expect(previous.SecretString).toBe('{"password":"one"}')
    const byId = await sm.send(new GetSecretValueCommand({ SecretId: id, VersionId: first.VersionId }))
    expect(byId.SecretString).toBe('{"password":"one"}')
  })

  it("should store and return a binary secret byte for byte", async () => {
    const id = name()
    const bytes = new Uint8Array([0, 1, 2, 254, 255])
    await sm.send(new CreateSecretCommand({ Name: id, SecretBinary: bytes }))
    const got = await sm.send(new GetSecretValueCommand({ SecretId: id }))
    expect(Buffer.from(got.SecretBinary ?? []).equals(Buffer.from(bytes))).toBe(true)
    expect(got.SecretString).toBeUndefined()
  })

  it("should report a missing secret as ResourceNotFoundException", async () => {
    await expect(sm.send(new GetSecretValueCommand({ SecretId: name() }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    )
  })
})
