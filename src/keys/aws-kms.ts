import { BridgeError, ErrorCode, KeyError, KeyFailure } from "../errors.js"
import { formatLastModified } from "../util/rfc3339.js"
import { safeMessage } from "../util/redact.js"
import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "./backend.js"
import { isNetworkError } from "./classify.js"
import type { KmsApi, KmsTarget } from "./kms-api.js"
import { AWS_ACCESS_DENIED } from "../util/aws-error-names.js"

type KmsKey = Extract<WrappedKey, { kind: "kms" }>

/** sops' ARN pattern; the region is taken from the key's own ARN (key or alias). */
const ARN = /^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)\/.+$/

/** The region of a KMS key or alias ARN. @throws CONFIG when it is not one */
export function kmsRegion(arn: string): string {
  const m = ARN.exec(arn)
  if (m?.[1] === undefined)
    throw new BridgeError(ErrorCode.Config, `no valid ARN found in '${arn}'`, {
      hint: "use a key or alias ARN, e.g. arn:aws:kms:eu-west-1:111122223333:key/<id>",
    })
  return m[1]
}

/**
 * The STS session name sops uses: `sops@<hostname>` with characters outside its class removed
 * (Go's `[^a-zA-Z0-9=,.@-_]`, where `@-_` is a range, so `-` itself is removed) and cut to 64.
 */
export function stsSessionName(hostname: string): string {
  const name = `sops@${hostname.replace(/[^a-zA-Z0-9=,.@-_]+/g, "")}`
  return name.length >= 64 ? name.slice(0, 64) : name
}

export interface KmsKeyConfig {
  readonly arn: string
  readonly role?: string
  readonly context?: Readonly<Record<string, string>>
  readonly awsProfile?: string
}

export interface KmsDeps {
  readonly api: () => Promise<KmsApi>
  readonly now: () => Date
  readonly hostname: string
}

function target(k: KmsKeyConfig, deps: KmsDeps, signal?: AbortSignal): KmsTarget {
  return {
    keyId: k.arn,
    region: kmsRegion(k.arn),
    sessionName: stsSessionName(deps.hostname),
    ...(k.awsProfile === undefined || k.awsProfile === "" ? {} : { profile: k.awsProfile }),
    ...(k.role === undefined || k.role === "" ? {} : { role: k.role }),
    ...(signal === undefined ? {} : { signal }),
  }
}

const hasContext = (c: Readonly<Record<string, string>> | undefined): boolean =>
  c !== undefined && Object.keys(c).length > 0

/** Encrypt side: kms:Encrypt with the key's encryption context; `enc` is the base64 blob. */
export class KmsBackend implements KeyBackend {
  readonly kind = "kms" as const
  readonly keyId: string
  readonly #key: KmsKeyConfig
  readonly #deps: KmsDeps

  constructor(key: KmsKeyConfig, deps: KmsDeps) {
    kmsRegion(key.arn)
    this.keyId = key.arn
    this.#key = key
    this.#deps = deps
  }

  async wrap(dataKey: Uint8Array, opts: CallOptions = {}): Promise<WrappedKey> {
    const k = this.#key
    try {
      const api = await this.#deps.api()
      const blob = await api.encrypt(target(k, this.#deps, opts.signal), dataKey, k.context, opts.signal)
      return {
        kind: "kms",
        arn: k.arn,
        ...(k.role === undefined || k.role === "" ? {} : { role: k.role }),
        ...(hasContext(k.context) && k.context !== undefined ? { context: k.context } : {}),
        createdAt: formatLastModified(this.#deps.now()),
        enc: Buffer.from(blob).toString("base64"),
        awsProfile: k.awsProfile ?? "",
      }
    } catch (err) {
      throw kmsError(err, "encrypt")
    }
  }
}

/** Decrypt side: kms:Decrypt with the stored context, role and profile. */
export class KmsOpener implements KeyOpener {
  readonly kind = "kms" as const
  readonly #deps: KmsDeps

  constructor(deps: KmsDeps) {
    this.#deps = deps
  }

  async unwrap(wrapped: WrappedKey, opts: CallOptions = {}): Promise<Uint8Array | null> {
    if (wrapped.kind !== "kms") return null
    const k: KmsKey = wrapped
    const blob = Buffer.from(k.enc, "base64")
    if (blob.length === 0) throw new KeyError(KeyFailure.Other, "the enc field is empty or not base64")
    try {
      const api = await this.#deps.api()
      const key = await api.decrypt(
        target({ ...k, awsProfile: k.awsProfile }, this.#deps, opts.signal),
        blob,
        hasContext(k.context) ? k.context : undefined,
        opts.signal,
      )
      return new Uint8Array(key)
    } catch (err) {
      throw kmsError(err, "decrypt")
    }
  }
}

// KMS adds expired credentials and unusable keys to the shared access-denied names.
const DENIED = new Set([
  ...AWS_ACCESS_DENIED,
  "ExpiredTokenException",
  "ExpiredToken",
  "KMSInvalidStateException",
  "DisabledException",
])

/** SDK error → KeyError with its class; the text is the service's error name, never a value. */
export function kmsError(err: unknown, op: "encrypt" | "decrypt"): BridgeError {
  if (err instanceof BridgeError) return err
  const e = (typeof err === "object" && err !== null ? err : {}) as {
    name?: string
    assumeRole?: boolean
    message?: string
    cause?: unknown
  }
  if (e.assumeRole === true) {
    const inner = kmsError(e.cause, op)
    const failure = inner instanceof KeyError ? inner.failure : KeyFailure.Other
    return new KeyError(failure, `${e.message ?? "failed to assume role"}: ${inner.message}`, { cause: err })
  }
  const name = e.name ?? ""
  const failure = classifyKms(err, name)
  const detail = failure === KeyFailure.Other ? safeMessage(err) : name || safeMessage(err)
  return new KeyError(failure, `failed to ${op} the data key with AWS KMS: ${detail}`, { cause: err })
}

function classifyKms(err: unknown, name: string): KeyFailure {
  if (isNetworkError(err)) return KeyFailure.Unreachable
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(safeMessage(err)))
    return KeyFailure.NoCredentials
  if (DENIED.has(name)) return KeyFailure.Denied
  if (name === "NotFoundException") return KeyFailure.NotFound
  // KMS answers a wrong or missing encryption context with InvalidCiphertextException.
  if (name === "InvalidCiphertextException") return KeyFailure.WrongContext
  return KeyFailure.Other
}
