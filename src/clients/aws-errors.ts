import { BridgeError, ErrorCode } from "../errors.js"
import { ProviderError } from "../providers/provider-error.js"
import { AWS_ACCESS_DENIED } from "../util/aws-error-names.js"
import { safeMessage } from "../util/redact.js"

const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
])

interface AwsLike {
  readonly name?: string
  readonly message?: string
  readonly $metadata?: { readonly httpStatusCode?: number }
  readonly $fault?: string
}

/**
 * SDK error → BridgeError. Not found is told apart from access denied and from throttling
 * (retryable, and flagged so the fetch layer pauses the store). Vendor text goes through
 * safeMessage; the message names the operation and secret, never a value.
 */
export function mapAwsError(err: unknown, what: string): BridgeError {
  if (err instanceof BridgeError) return err
  if (err instanceof Error && err.name === "AbortError")
    return new BridgeError(ErrorCode.Provider, `${what}: aborted`, { cause: err, retryable: true })
  const e = (typeof err === "object" && err !== null ? err : {}) as AwsLike
  const name = e.name ?? ""
  const status = e.$metadata?.httpStatusCode
  const detail = safeMessage(err)
  if (
    name === "ResourceNotFoundException" ||
    (name === "InvalidRequestException" && /marked for deletion/i.test(e.message ?? ""))
  )
    return new BridgeError(ErrorCode.NotFound, `${what}: not found`, { cause: err })
  if (THROTTLED.has(name) || status === 429)
    return new ProviderError(`${what}: throttled by AWS (${name || status})`, { cause: err, throttled: true })
  if (AWS_ACCESS_DENIED.has(name) || status === 403)
    return new ProviderError(`${what}: access denied (${name || status})`, {
      cause: err,
      denied: true,
      hint: "check the store's credentials and the IAM policy (secretsmanager:GetSecretValue, ListSecrets, BatchGetSecretValue)",
    })
  if (name === "ExpiredTokenException" || name === "ExpiredToken")
    return new ProviderError(`${what}: credentials expired`, { cause: err, retryable: true })
  const transient = e.$fault === "server" || (status !== undefined && status >= 500) || status === undefined
  return new ProviderError(`${what}: ${detail}`, { cause: err, retryable: transient })
}
