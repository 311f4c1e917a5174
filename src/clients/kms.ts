import { DecryptCommand, EncryptCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms"
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts"
import type { KmsApi, KmsTarget } from "../keys/kms-api.js"

/**
 * The only @aws-sdk/client-kms importer for master keys. Loaded with import() by the KMS key
 * kind, so the SDK costs nothing until a kms key is used. One client per (region, profile, role).
 */
export function createKmsApi(env: Readonly<Record<string, string | undefined>>, debug: boolean): KmsApi {
  quietSdk(debug)
  const clients = new Map<string, Promise<KMSClient>>()
  const clientFor = (t: KmsTarget): Promise<KMSClient> => {
    const id = `${t.region}\n${t.profile ?? ""}\n${t.role ?? ""}`
    let c = clients.get(id)
    if (c === undefined) {
      c = makeClient(t, env)
      clients.set(id, c)
      // A failed role assumption is not cached: the next key may succeed.
      c.catch(() => clients.delete(id))
    }
    return c
  }
  return {
    async encrypt(t, plaintext, context, signal) {
      const client = await clientFor(t)
      const out = await client.send(
        new EncryptCommand({ KeyId: t.keyId, Plaintext: plaintext, EncryptionContext: context }),
        signal === undefined ? {} : { abortSignal: signal },
      )
      if (out.CiphertextBlob === undefined) throw new Error("KMS Encrypt returned no ciphertext")
      return out.CiphertextBlob
    },
    async decrypt(t, ciphertext, context, signal) {
      const client = await clientFor(t)
      const out = await client.send(
        new DecryptCommand({ KeyId: t.keyId, CiphertextBlob: ciphertext, EncryptionContext: context }),
        signal === undefined ? {} : { abortSignal: signal },
      )
      if (out.Plaintext === undefined) throw new Error("KMS Decrypt returned no plaintext")
      return out.Plaintext
    },
    close() {
      for (const c of clients.values()) void c.then((k) => k.destroy()).catch(() => undefined)
      clients.clear()
    },
  }
}

async function makeClient(
  t: KmsTarget,
  env: Readonly<Record<string, string | undefined>>,
): Promise<KMSClient> {
  const endpoint = env["AWS_ENDPOINT_URL_KMS"] ?? env["AWS_ENDPOINT_URL"]
  const credentials = envCredentials(env, t.profile)
  const base: KMSClientConfig = {
    region: t.region,
    // sops relies on the SDK's retries too; two attempts keep a dead endpoint from stalling long.
    maxAttempts: 2,
    ...(endpoint === undefined || endpoint === "" ? {} : { endpoint }),
    ...(t.profile === undefined || t.profile === "" ? {} : { profile: t.profile }),
    ...(credentials === undefined ? {} : { credentials }),
  }
  if (t.role === undefined || t.role === "") return new KMSClient(base)
  const stsEndpoint = env["AWS_ENDPOINT_URL_STS"] ?? env["AWS_ENDPOINT_URL"]
  const sts = new STSClient({
    region: t.region,
    maxAttempts: 2,
    ...(stsEndpoint === undefined || stsEndpoint === "" ? {} : { endpoint: stsEndpoint }),
    ...(t.profile === undefined || t.profile === "" ? {} : { profile: t.profile }),
    ...(credentials === undefined ? {} : { credentials }),
  })
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: t.role, RoleSessionName: t.sessionName }),
      t.signal === undefined ? {} : { abortSignal: t.signal },
    )
    const c = out.Credentials
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined)
      throw new Error("STS AssumeRole returned no credentials")
    return new KMSClient({
      ...base,
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken === undefined ? {} : { sessionToken: c.SessionToken }),
      },
    })
  } catch (err) {
    throw Object.assign(new Error(`failed to assume role ${t.role}`, { cause: err }), { assumeRole: true })
  } finally {
    sts.destroy()
  }
}

/**
 * The SDK default chain's first link, read from the command's environment instead of the
 * process's: static keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), skipped
 * when a profile is named (the key's or AWS_PROFILE) as the SDK skips them. undefined: the SDK's
 * own chain decides (profiles, SSO, web identity, instance metadata).
 */
export function envCredentials(
  env: Readonly<Record<string, string | undefined>>,
  profile: string | undefined,
): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  if ((profile ?? "") !== "" || (env["AWS_PROFILE"] ?? "") !== "") return undefined
  const accessKeyId = env["AWS_ACCESS_KEY_ID"] ?? ""
  const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"] ?? ""
  if (accessKeyId === "" || secretAccessKey === "") return undefined
  const token = env["AWS_SESSION_TOKEN"] ?? ""
  return { accessKeyId, secretAccessKey, ...(token === "" ? {} : { sessionToken: token }) }
}

/**
 * The SDK prints a Node-version notice to stderr on first client construction; the user's
 * terminal gets it only with --debug. The SDK reads this switch from process.env itself.
 */
export function quietSdk(debug: boolean): void {
  const flag = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"
  if (!debug && process.env[flag] === undefined) process.env[flag] = "true"
}
