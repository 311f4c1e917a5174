import { BridgeError, ErrorCode, type BridgeErrorOptions } from "../errors.js"

/**
 * A PROVIDER error that also says whether the service throttled us, so the fetch layer can
 * pause the whole store (shared backoff) instead of each object retrying on its own. A refusal
 * (`denied`) carries ACCESS_DENIED instead, so it is told apart from a missing secret or an outage.
 */
export class ProviderError extends BridgeError {
  override name = "ProviderError"
  readonly throttled: boolean
  /** HTTP status of the service's answer, when there was one (Vault: 403 means re-login). */
  readonly status: number | undefined

  constructor(
    message: string,
    opts: BridgeErrorOptions & {
      readonly throttled?: boolean
      readonly status?: number
      readonly denied?: boolean
    } = {},
  ) {
    super(opts.denied === true ? ErrorCode.AccessDenied : ErrorCode.Provider, message, {
      ...opts,
      retryable: opts.retryable ?? opts.throttled ?? false,
    })
    this.throttled = opts.throttled ?? false
    this.status = opts.status
  }
}

export const isThrottled = (err: unknown): boolean => err instanceof ProviderError && err.throttled
