import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
  type Filter,
} from "@aws-sdk/client-secrets-manager"
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts"
import type { CallOptions } from "../keys/backend.js"
import type { SecretsManagerApi, SmListFilter, SmValue, SmVersion } from "../providers/aws/sm-api.js"
import type { AwsStoreConfig, ProviderDeps } from "../providers/provider.js"
import { newStsClient, storeCredentials } from "./aws-credentials.js"
import { mapAwsError } from "./aws-errors.js"

/**
 * The Secrets Manager port on @aws-sdk/client-secrets-manager. One client per store lives as
 * long as the provider; the SDK's own retries are off (maxAttempts 1) so throttling reaches the
 * fetch layer, which pauses the whole store instead of every call retrying on its own.
 */
export function createSecretsManagerApi(config: AwsStoreConfig, deps: ProviderDeps): SecretsManagerApi {
  const creds = storeCredentials(config, deps)
  const endpoint = deps.env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] ?? deps.env["AWS_ENDPOINT_URL"]
  const client = new SecretsManagerClient({
    region: config.region,
    maxAttempts: 1,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(creds.provider === undefined ? {} : { credentials: creds.provider }),
  })
  const sts = newStsClient(config, deps, creds.provider)
  const send = <T>(what: string, run: () => Promise<T>): Promise<T> =>
    run().catch((err: unknown) => {
      throw mapAwsError(err, what)
    })

  return {
    async getSecretValue(id: string, version: SmVersion, opts?: CallOptions): Promise<SmValue> {
      const input =
        "versionId" in version
          ? { SecretId: id, VersionId: version.versionId }
          : { SecretId: id, VersionStage: version.stage }
      const out = await send(`secret ${id}`, () =>
        client.send(new GetSecretValueCommand(input), signal(opts)),
      )
      return toValue(out.Name ?? id, out)
    },

    async listSecrets(filter: SmListFilter, next: string | undefined, opts?: CallOptions) {
      const out = await send("list secrets", () =>
        client.send(
          new ListSecretsCommand({
            Filters: filters(filter),
            MaxResults: 100,
            ...(next === undefined ? {} : { NextToken: next }),
          }),
          signal(opts),
        ),
      )
      const secrets = (out.SecretList ?? []).flatMap((s) =>
        s.Name === undefined
          ? []
          : [
              {
                name: s.Name,
                tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
              },
            ],
      )
      return out.NextToken === undefined || out.NextToken === ""
        ? { secrets }
        : { secrets, next: out.NextToken }
    },

    async batchGetSecretValue(ids: readonly string[], opts?: CallOptions): Promise<readonly SmValue[]> {
      const out = await send("batch get secret value", () =>
        client.send(new BatchGetSecretValueCommand({ SecretIdList: [...ids] }), signal(opts)),
      )
      for (const e of out.Errors ?? []) {
        // Deleted between ListSecrets and the batch: not an error for find.
        if (e.ErrorCode === "ResourceNotFoundException") continue
        throw mapAwsError(
          { name: e.ErrorCode, message: e.Message, $metadata: {} },
          `secret ${e.SecretId ?? "?"}`,
        )
      }
      return (out.SecretValues ?? []).map((v) => toValue(v.Name ?? "", v))
    },

    async whoAmI(opts?: CallOptions): Promise<string> {
      const out = await send("sts get caller identity", () =>
        sts.send(new GetCallerIdentityCommand({}), signal(opts)),
      )
      return out.Arn ?? ""
    },

    close() {
      client.destroy()
      sts.destroy()
      creds.close()
    },
  }
}

const signal = (opts?: CallOptions): { abortSignal?: AbortSignal } =>
  opts?.signal === undefined ? {} : { abortSignal: opts.signal }

function filters(f: SmListFilter): Filter[] {
  const out: Filter[] = []
  if (f.namePrefix !== undefined && f.namePrefix !== "") out.push({ Key: "name", Values: [f.namePrefix] })
  if (f.tagKeys !== undefined && f.tagKeys.length > 0) out.push({ Key: "tag-key", Values: [...f.tagKeys] })
  return out
}

interface RawValue {
  readonly VersionId?: string | undefined
  readonly SecretString?: string | undefined
  readonly SecretBinary?: Uint8Array | undefined
}

function toValue(name: string, v: RawValue): SmValue {
  return {
    name,
    ...(v.VersionId === undefined ? {} : { versionId: v.VersionId }),
    ...(v.SecretString === undefined ? {} : { string: v.SecretString }),
    ...(v.SecretBinary === undefined ? {} : { binary: v.SecretBinary }),
  }
}
