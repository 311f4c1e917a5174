import { BridgeError, ErrorCode, KeyError, KeyFailure } from "../errors.js"
import { formatLastModified } from "../util/rfc3339.js"
import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "./backend.js"
import type { KeyDeps, RunResult } from "./deps.js"

/**
 * PGP through the user's gpg binary and keyring, as sops does: `SOPS_GPG_EXEC` (default `gpg`),
 * the keyring from `GNUPGHOME` (inherited by the child), the data key armored for one fingerprint.
 */
export interface PgpDeps {
  readonly run: KeyDeps["run"]
  readonly env: KeyDeps["env"]
  readonly now: () => Date
}

const gpgBinary = (deps: PgpDeps): string => {
  const exec = deps.env["SOPS_GPG_EXEC"]
  return exec !== undefined && exec !== "" ? exec : "gpg"
}

/** sops passes the last 16 hex digits to --trusted-key. */
const shortFingerprint = (fp: string): string => (fp.length > 16 ? fp.slice(-16) : fp)

async function gpg(
  deps: PgpDeps,
  args: string[],
  stdin: Uint8Array,
  signal?: AbortSignal,
): Promise<RunResult> {
  const file = gpgBinary(deps)
  try {
    return await deps.run(file, args, { stdin, ...(signal === undefined ? {} : { signal }) })
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT")
      throw new KeyError(KeyFailure.Other, `${file} not found; install gnupg or set SOPS_GPG_EXEC`, {
        cause: err,
      })
    throw err
  }
}

export class PgpBackend implements KeyBackend {
  readonly kind = "pgp" as const
  readonly keyId: string
  readonly #deps: PgpDeps

  constructor(fingerprint: string, deps: PgpDeps) {
    const fp = fingerprint.replace(/ /g, "")
    if (fp === "") throw new BridgeError(ErrorCode.Config, "empty PGP fingerprint")
    this.keyId = fp
    this.#deps = deps
  }

  async wrap(dataKey: Uint8Array, opts: CallOptions = {}): Promise<WrappedKey> {
    const fp = this.keyId
    const args = ["--no-default-recipient", "--yes", "--encrypt", "-a", "-r", fp]
    args.push("--trusted-key", shortFingerprint(fp), "--no-encrypt-to")
    const r = await gpg(this.#deps, args, dataKey, opts.signal)
    if (r.code !== 0) throw gpgError(r, "encrypt")
    return {
      kind: "pgp",
      fp,
      createdAt: formatLastModified(this.#deps.now()),
      // sops stores the armored message trimmed (YAML then writes it as `enc: |-`).
      enc: new TextDecoder().decode(r.stdout).trim(),
    }
  }
}

export class PgpOpener implements KeyOpener {
  readonly kind = "pgp" as const
  readonly #deps: PgpDeps

  constructor(deps: PgpDeps) {
    this.#deps = deps
  }

  async unwrap(wrapped: WrappedKey, opts: CallOptions = {}): Promise<Uint8Array | null> {
    if (wrapped.kind !== "pgp") return null
    const r = await gpg(this.#deps, ["-d"], new TextEncoder().encode(wrapped.enc), opts.signal)
    if (r.code !== 0) throw gpgError(r, "decrypt")
    return r.stdout
  }
}

/** gpg's status text → a class. Its stderr names keys and files, never the data key. */
export function gpgError(r: RunResult, op: "encrypt" | "decrypt"): KeyError {
  const text = r.stderr
  const line =
    text
      .split("\n")
      .map((l) => l.replace(/^gpg: /, "").trim())
      .filter((l) => l !== "")
      .pop() ?? `gpg exited with status ${r.code}`
  let failure: KeyFailure = KeyFailure.Other
  if (/no secret key|secret key not available/i.test(text)) failure = KeyFailure.NoCredentials
  else if (/no public key|not found|unusable public key/i.test(text)) failure = KeyFailure.NotFound
  else if (/bad passphrase|operation cancelled|inappropriate ioctl/i.test(text)) failure = KeyFailure.Denied
  return new KeyError(failure, `failed to ${op} the data key with gpg: ${line}`)
}
