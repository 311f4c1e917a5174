/**
 * One error type for the whole library. Callers branch on `code`, never on message text.
 * Messages are lowercase, name what failed and where (file, tree path), and never carry a value.
 */
export const ErrorCode = {
  Usage: "USAGE",
  Config: "CONFIG",
  Format: "FORMAT",
  AlreadySealed: "ALREADY_SEALED",
  NotSealed: "NOT_SEALED",
  MacMismatch: "MAC_MISMATCH",
  NoKey: "NO_KEY",
  KeyBackend: "KEY_BACKEND",
  Decrypt: "DECRYPT",
  Encrypt: "ENCRYPT",
  ExtractSyntax: "EXTRACT_SYNTAX",
  ExtractMissing: "EXTRACT_MISSING",
  Conflict: "CONFLICT",
  SetFormat: "SET_FORMAT",
  NotModified: "NOT_MODIFIED",
  NoEditor: "NO_EDITOR",
  NoFile: "NO_FILE",
  ReadInput: "READ_INPUT",
  WriteOutput: "WRITE_OUTPUT",
  EmptyFile: "EMPTY_FILE",
  NotFound: "NOT_FOUND",
  /** A provider refused the credentials or the policy denies the read (told apart from NOT_FOUND). */
  AccessDenied: "ACCESS_DENIED",
  Provider: "PROVIDER",
  Kube: "KUBE",
  LeakFound: "LEAK_FOUND",
  Internal: "INTERNAL",
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

export interface BridgeErrorOptions {
  readonly cause?: unknown
  readonly retryable?: boolean
  readonly hint?: string
}

export class BridgeError extends Error {
  override name = "BridgeError"
  readonly code: ErrorCode
  readonly retryable: boolean
  /** A remediation line the CLI prints under the message. */
  readonly hint: string | undefined

  constructor(code: ErrorCode, message: string, opts: BridgeErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.code = code
    this.retryable = opts.retryable ?? false
    this.hint = opts.hint
  }
}

/** Errors whose source position is known. */
export class FormatError extends BridgeError {
  override name = "FormatError"
  readonly source: string
  readonly line: number | undefined

  constructor(source: string, line: number | undefined, message: string, opts: BridgeErrorOptions = {}) {
    super(ErrorCode.Format, `${source}${line === undefined ? "" : `:${line}`}: ${message}`, opts)
    this.source = source
    this.line = line
  }
}

export interface KeyAttempt {
  readonly keyId: string
  readonly reason: string
}

/** No master key could unwrap the data key; `attempts` says which were tried and why they failed. */
export class NoKeyError extends BridgeError {
  override name = "NoKeyError"
  readonly attempts: readonly KeyAttempt[]

  constructor(message: string, attempts: readonly KeyAttempt[], opts: BridgeErrorOptions = {}) {
    super(ErrorCode.NoKey, message, opts)
    this.attempts = attempts
  }
}

export function isBridgeError(err: unknown): err is BridgeError {
  return err instanceof BridgeError
}
