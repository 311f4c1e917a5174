import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { quietSdk } from "./kms.js"

/**
 * The only @aws-sdk/client-s3 importer (publish to S3), loaded with import() on first use.
 * Credentials and region come from the SDK's default chain, as sops' `config.LoadDefaultConfig`;
 * the endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. A custom endpoint (MinIO, moto,
 * localstack) is addressed path-style: its host has no per-bucket DNS names.
 */
export function createS3Put(
  env: Readonly<Record<string, string | undefined>>,
  debug: boolean,
): {
  put(bucket: string, key: string, body: Uint8Array, signal?: AbortSignal): Promise<void>
  close(): void
} {
  quietSdk(debug)
  const endpoint = env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"]
  const region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"]
  const client = new S3Client({
    maxAttempts: 2,
    ...(region === undefined || region === "" ? {} : { region }),
    ...(endpoint === undefined || endpoint === "" ? {} : { endpoint, forcePathStyle: true }),
  })
  return {
    async put(bucket, key, body, signal) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }),
        signal === undefined ? {} : { abortSignal: signal },
      )
    },
    close: () => client.destroy(),
  }
}
