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
  /** A master key could not wrap the data key (sops: "Could not generate data key", exit 1). */
  KeyWrap: "KEY_WRAP",
  /** `--encryption-context` is not k:v,… (sops exit 6). */
  KmsContext: "KMS_CONTEXT",
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
  // commands (exec-env/exec-file, publish, updatekeys, groups)
  ChildExit: "CHILD_EXIT",
  Publish: "PUBLISH",
  /** groups add/delete: no key opens the file (sops: "Error getting data key", exit 1, not 128). */
  DataKey: "DATA_KEY",
  /** groups delete: no group at that index (sops 3.13 panics: exit 2). */
  GroupIndex: "GROUP_INDEX",
  // hardening (issue 8): sops tells these apart by exit code
  /** A sealed file (or its metadata) cannot be loaded: sops exits 1, not 2 as for plain input. */
  SealedFormat: "SEALED_FORMAT",
  Emit: "EMIT",
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
  readonly column: number | undefined

  constructor(
    source: string,
    line: number | undefined,
    message: string,
    opts: BridgeErrorOptions & { readonly column?: number } = {},
  ) {
    const at = line === undefined ? "" : `:${line}${opts.column === undefined ? "" : `:${opts.column}`}`
    super(ErrorCode.Format, `${source}${at}: ${message}`, opts)
    this.source = source
    this.line = line
    this.column = opts.column
  }
}

/** Line and column (1-based) of a character offset in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: end - start + 1 }
}

/** Why one master key could not wrap or unwrap the data key; messages and callers branch on it. */
export const KeyFailure = {
  Denied: "denied",
  Unreachable: "unreachable",
  NotFound: "not_found",
  NoCredentials: "no_credentials",
  WrongContext: "wrong_context",
  Other: "other",
} as const
export type KeyFailure = (typeof KeyFailure)[keyof typeof KeyFailure]

/** The words a user reads for each failure class. */
export const keyFailureText = {
  denied: "access denied",
  unreachable: "service unreachable",
  not_found: "key not found",
  no_credentials: "no credentials",
  wrong_context: "wrong encryption context",
  other: "failed",
} as const satisfies Record<KeyFailure, string>

/** One master key that was tried and failed. */
export interface KeyAttempt {
  /** Printable id: age recipient, KMS ARN, transit key URL, PGP fingerprint (with its group when several). */
  readonly keyId: string
  /** Backend kind as named in sops metadata (`age`, `kms`, `hc_vault`, `pgp`, …). */
  readonly kind: string
  readonly failure: KeyFailure
  /** Safe detail (never a value): the service's error name or our own text. */
  readonly reason: string
}

/** Thrown by a key backend for a key that is its own but could not be used. */
export class KeyError extends BridgeError {
  override name = "KeyError"
  readonly failure: KeyFailure

  constructor(failure: KeyFailure, message: string, opts: BridgeErrorOptions = {}) {
    super(ErrorCode.KeyBackend, message, {
      ...opts,
      retryable: opts.retryable ?? failure === KeyFailure.Unreachable,
    })
    this.failure = failure
  }
}

/** One line per attempt, as the CLI prints them under a NO_KEY or KEY_WRAP error. */
export function attemptLines(attempts: readonly KeyAttempt[]): string {
  return attempts
    .map((a) => {
      const what = keyFailureText[a.failure]
      const detail = a.reason === "" || a.reason === what ? "" : ` (${a.reason})`
      return `  ${a.kind} ${a.keyId}: ${what}${detail}`
    })
    .join("\n")
}

/** Some master keys could not wrap the data key; nothing was written. */
export class KeyWrapError extends BridgeError {
  override name = "KeyWrapError"
  readonly attempts: readonly KeyAttempt[]

  constructor(message: string, attempts: readonly KeyAttempt[], opts: BridgeErrorOptions = {}) {
    super(ErrorCode.KeyWrap, message, opts)
    this.attempts = attempts
  }
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

/**
 * Marks every BridgeError, whichever copy of this module made it: the CLI bundle and the
 * controller (loaded from dist/controller/ when `sealbridge controller` runs) each have their
 * own class, so `instanceof` alone would turn the controller's coded errors into internal ones.
 */
const BRIDGE_ERROR_BRAND = Symbol.for("sealbridge.BridgeError")
Object.defineProperty(BridgeError.prototype, BRIDGE_ERROR_BRAND, { value: true })

/** A BridgeError from this module or from another copy of it (see BRIDGE_ERROR_BRAND). */
export function isBridgeError(err: unknown): err is BridgeError {
  if (err instanceof BridgeError) return true
  if (!(err instanceof Error)) return false
  const branded = (err as unknown as Record<symbol, unknown>)[BRIDGE_ERROR_BRAND] === true
  return branded && typeof (err as { code?: unknown }).code === "string"
}

/**
 * exec-env/exec-file: the command ran and ended with a non-zero status, which becomes the CLI's
 * own exit status (as sops passes it through). Not a failure of sealbridge; nothing is printed.
 */
export class ChildExitError extends BridgeError {
  override name = "ChildExitError"
  readonly status: number

  constructor(status: number) {
    super(ErrorCode.ChildExit, `command exited with status ${status}`)
    this.status = status
  }
}
