// age-encryption is loaded on first use: it is the heaviest import (~130 ms of start-up) and
// commands that touch no key (--help, filestatus, set-up errors) should not pay for it.
type AgeModule = typeof AgeModuleNs
const loadAge = (): Promise<AgeModule> => import("age-encryption")
import type * as AgeModuleNs from "age-encryption"
import { BridgeError, ErrorCode, KeyError, KeyFailure } from "../errors.js"
import { openArmoredX25519 } from "./age-x25519.js"
import { sealArmoredX25519 } from "./age-x25519-seal.js"
import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "./backend.js"

/** Encrypt side: wraps the data key for one age recipient as an ASCII-armored age file, as sops does. */
export class AgeBackend implements KeyBackend {
  readonly kind = "age" as const
  readonly keyId: string

  constructor(recipient: string) {
    if (!/^age1[0-9a-z]+$/.test(recipient)) {
      throw new BridgeError(ErrorCode.Config, `${recipient.slice(0, 12)}…: not an age recipient (age1…)`, {
        hint: "sealbridge keygen prints a recipient; ssh public keys are not supported yet",
      })
    }
    this.keyId = recipient
  }

  async wrap(dataKey: Uint8Array, _opts?: CallOptions): Promise<WrappedKey> {
    try {
      const native = sealArmoredX25519(dataKey, this.keyId)
      if (native !== null) return { kind: "age", recipient: this.keyId, enc: native }
      const { armor, Encrypter } = await loadAge()
      const e = new Encrypter()
      e.addRecipient(this.keyId)
      return { kind: "age", recipient: this.keyId, enc: armor.encode(await e.encrypt(dataKey)) }
    } catch (err) {
      throw new BridgeError(ErrorCode.Encrypt, `age recipient ${this.keyId}: cannot wrap the data key`, {
        cause: err,
      })
    }
  }
}

/** Decrypt side: holds age identities (AGE-SECRET-KEY-1…). */
export class AgeOpener implements KeyOpener {
  readonly kind = "age" as const
  readonly #identities: readonly string[]

  constructor(identities: readonly string[]) {
    this.#identities = identities
  }

  async unwrap(wrapped: WrappedKey, _opts?: CallOptions): Promise<Uint8Array | null> {
    if (wrapped.kind !== "age" || this.#identities.length === 0) return null
    const native = this.#openNative(wrapped)
    if (native !== null) return native
    const { armor, Decrypter } = await loadAge()
    let file: Uint8Array
    try {
      file = armor.decode(wrapped.enc)
    } catch (err) {
      throw new KeyError(KeyFailure.Other, "the enc block is not an armored age file", { cause: err })
    }
    const d = new Decrypter()
    for (const id of this.#identities) d.addIdentity(id)
    try {
      return await d.decrypt(file)
    } catch (err) {
      // age reports "no identity matched" the same way as a broken file; both are a failed attempt.
      throw new KeyError(KeyFailure.NoCredentials, "no identity could open the data key", { cause: err })
    }
  }

  /** X25519 identities on node:crypto (age-x25519.ts); null hands over to age-encryption. */
  #openNative(wrapped: Extract<WrappedKey, { kind: "age" }>): Uint8Array | null {
    try {
      return openArmoredX25519(wrapped.enc, this.#identities)
    } catch (err) {
      throw new KeyError(KeyFailure.NoCredentials, "no identity could open the data key", { cause: err })
    }
  }
}

/** Identities from key-file text: one per line, `#` comments and blank lines ignored. */
export function parseAgeIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
}

export interface AgeIdentitySources {
  readonly env: Readonly<Record<string, string | undefined>>
  /** The file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>
  runCommand(cmd: string, env: Readonly<Record<string, string>>): Promise<string>
  /** Go's os.UserConfigDir (Linux: $XDG_CONFIG_HOME or ~/.config). */
  readonly userConfigDir: string
}

/**
 * Every identity sops would use, in its order: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
 * SOPS_AGE_KEY_CMD, then `<config dir>/sops/age/keys.txt`.
 * @throws BridgeError KEY_BACKEND when a named source cannot be read
 */
export async function collectAgeIdentities(src: AgeIdentitySources): Promise<string[]> {
  const out: string[] = []
  const inline = src.env["SOPS_AGE_KEY"]
  if (inline !== undefined && inline.trim() !== "")
    out.push(...inline.split(/\s+/).filter((s) => s.startsWith("AGE-")))
  const file = src.env["SOPS_AGE_KEY_FILE"]
  if (file !== undefined && file !== "") {
    const text = await src.readFile(file)
    if (text === null)
      throw new KeyError(KeyFailure.NoCredentials, `SOPS_AGE_KEY_FILE ${file}: file not found`)
    out.push(...parseAgeIdentities(text))
  }
  const cmd = src.env["SOPS_AGE_KEY_CMD"]
  if (cmd !== undefined && cmd.trim() !== "") {
    try {
      out.push(...parseAgeIdentities(await src.runCommand(cmd, {})))
    } catch (err) {
      throw new KeyError(KeyFailure.NoCredentials, "SOPS_AGE_KEY_CMD failed", { cause: err })
    }
  }
  const defaultFile = `${src.userConfigDir}/sops/age/keys.txt`
  const text = await src.readFile(defaultFile)
  if (text !== null) out.push(...parseAgeIdentities(text))
  return [...new Set(out)]
}

export const generateAgeIdentity = async (): Promise<string> => (await loadAge()).generateX25519Identity()
export const ageRecipientOf = async (identity: string): Promise<string> =>
  (await loadAge()).identityToRecipient(identity)
