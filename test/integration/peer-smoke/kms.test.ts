import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms"
import { describe, expect, it } from "vitest"
import { requirePeer } from "../peers.js"

// AWS KMS through the real SDK against moto; the endpoint comes from AWS_ENDPOINT_URL_KMS.
const peer = requirePeer("moto", "AWS_ENDPOINT_URL_KMS")

describe.skipIf(peer.skip)("peer smoke: KMS (moto) via @aws-sdk/client-kms", () => {
  const kms = new KMSClient({})
  const plaintext = new Uint8Array(32).map((_, i) => i)

  it("should create a key and round-trip a data key under an encryption context", async () => {
    const key = await kms.send(new CreateKeyCommand({ Description: "sealbridge integration" }))
    const keyId = key.KeyMetadata?.Arn ?? ""
    expect(keyId).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//)
    const context = { app: "sealbridge", env: "test" }
    const enc = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context }),
    )
    expect(enc.CiphertextBlob?.length).toBeGreaterThan(32)
    const dec = await kms.send(
      new DecryptCommand({ KeyId: keyId, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }),
    )
    expect(Buffer.from(dec.Plaintext ?? []).equals(Buffer.from(plaintext))).toBe(true)
  })

  it("should refuse to decrypt with a different encryption context", async () => {
    const key = await kms.send(new CreateKeyCommand({}))
    const keyId = key.KeyMetadata?.Arn ?? ""
    const enc = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { app: "a" } }),
    )
    await expect(
      kms.send(
        new DecryptCommand({
          KeyId: keyId,
          CiphertextBlob: enc.CiphertextBlob,
          EncryptionContext: { app: "b" },
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidCiphertextException" })
  })
})
