import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import type { AwsStoreConfig, ProviderDeps } from "../providers/provider.js"
import { mapAwsError } from "./aws-errors.js"

/** The SDK's credential shape (declared here rather than importing the transitive @aws-sdk/types). */
interface AwsCredentialIdentity {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiration?: Date
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>

/** Refresh assumed-role credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000
const SESSION_NAME = "sealbridge"

export function stsEndpoint(env: ProviderDeps["env"]): string | undefined {
  return env["AWS_ENDPOINT_URL_STS"] ?? env["AWS_ENDPOINT_URL"]
}

export function newStsClient(
  config: AwsStoreConfig,
  deps: ProviderDeps,
  credentials?: AwsCredentialIdentityProvider,
): STSClient {
  const endpoint = stsEndpoint(deps.env)
  return new STSClient({
    region: config.region,
    maxAttempts: 2,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  })
}

/**
 * The store's credentials as one provider the SDK clients share: static keys, the SDK default
 * chain (IRSA / pod identity / env), or AssumeRoleWithWebIdentity with a fresh service-account
 * token; then AssumeRole when `role` is set. Assumed credentials are reused until shortly before
 * they expire (ESO builds new ones per reconcile).
 */
export function storeCredentials(
  config: AwsStoreConfig,
  deps: ProviderDeps,
): { readonly provider: AwsCredentialIdentityProvider | undefined; readonly close: () => void } {
  const clients: STSClient[] = []
  const sts = (creds?: AwsCredentialIdentityProvider): STSClient => {
    const c = newStsClient(config, deps, creds)
    clients.push(c)
    return c
  }
  let base: AwsCredentialIdentityProvider | undefined
  const auth = config.auth
  if (auth.kind === "static") {
    const identity: AwsCredentialIdentity = {
      accessKeyId: auth.accessKeyId,
      secretAccessKey: auth.secretAccessKey,
      ...(auth.sessionToken === undefined ? {} : { sessionToken: auth.sessionToken }),
    }
    base = () => Promise.resolve(identity)
  } else if (auth.kind === "webIdentity") {
    const client = sts()
    base = cached(deps, async () => {
      const out = await client
        .send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: auth.roleArn,
            RoleSessionName: SESSION_NAME,
            WebIdentityToken: await auth.token(),
          }),
        )
        .catch((err: unknown) => {
          throw mapAwsError(err, `assume role ${auth.roleArn} with web identity`)
        })
      return fromSts(out.Credentials, auth.roleArn)
    })
  }
  const role = config.role
  const provider =
    role === undefined || role === ""
      ? base
      : cached(deps, async () => {
          const out = await sts(base)
            .send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: SESSION_NAME }))
            .catch((err: unknown) => {
              throw mapAwsError(err, `assume role ${role}`)
            })
          return fromSts(out.Credentials, role)
        })
  return { provider, close: () => clients.forEach((c) => c.destroy()) }
}

interface StsCredentials {
  readonly AccessKeyId?: string | undefined
  readonly SecretAccessKey?: string | undefined
  readonly SessionToken?: string | undefined
  readonly Expiration?: Date | undefined
}

function fromSts(c: StsCredentials | undefined, role: string): AwsCredentialIdentity {
  if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined)
    throw mapAwsError(new Error("no credentials in the STS response"), `assume role ${role}`)
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken === undefined ? {} : { sessionToken: c.SessionToken }),
    ...(c.Expiration === undefined ? {} : { expiration: c.Expiration }),
  }
}

/** One in-flight fetch at a time; reuse until REFRESH_MARGIN before expiry (clock from deps). */
function cached(
  deps: ProviderDeps,
  fetch: () => Promise<AwsCredentialIdentity>,
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined
  let expiresAt = 0
  return async () => {
    if (current !== undefined && deps.now().getTime() < expiresAt - REFRESH_MARGIN_MS) return current
    const pending = fetch()
    current = pending
    try {
      const creds = await pending
      expiresAt = creds.expiration?.getTime() ?? Number.POSITIVE_INFINITY
      return creds
    } catch (err) {
      current = undefined
      throw err
    }
  }
}
