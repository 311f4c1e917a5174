import { NoKeyError, type KeyAttempt } from "../errors.js"
import type { BackendKind, CallOptions, KeyOpener, WrappedKey } from "../keys/backend.js"
import { wrappedKeyId } from "../keys/backend.js"
import { combine } from "../keys/shamir.js"
import { safeMessage } from "../util/redact.js"
import type { SealMetadata } from "./metadata-types.js"

/** sops' default order: age first (local and fast), cloud KMS after. */
export const DEFAULT_DECRYPTION_ORDER: readonly BackendKind[] = [
  "age",
  "pgp",
  "kms",
  "gcp_kms",
  "hckms",
  "azure_kv",
  "hc_vault",
]

export interface UnwrapOptions extends CallOptions {
  readonly decryptionOrder?: readonly BackendKind[]
  readonly source?: string
}

/**
 * Recovers the data key: in each group, keys are tried in decryption order and the first opener
 * that returns bytes wins ("null" = not mine, a throw is recorded as a failed attempt). With
 * several groups, at least the Shamir threshold of groups must yield a share.
 * @throws NoKeyError (NO_KEY, sops exit 128) listing every attempt and why it failed
 */
export async function decryptDataKey(
  metadata: SealMetadata,
  openers: readonly KeyOpener[],
  opts: UnwrapOptions = {},
): Promise<Uint8Array> {
  const order = [...(opts.decryptionOrder ?? []), ...DEFAULT_DECRYPTION_ORDER]
  const rank = (k: WrappedKey): number => order.indexOf(k.kind)
  const attempts: KeyAttempt[] = []
  const found: Uint8Array[] = []
  for (const [g, group] of metadata.keyGroups.entries()) {
    const share = await openGroup(
      [...group].sort((a, b) => rank(a) - rank(b)),
      openers,
      opts,
      (a) => attempts.push({ keyId: `group ${g}: ${a.keyId}`, reason: a.reason }),
    )
    if (share !== null) found.push(share)
  }
  const groups = metadata.keyGroups.length
  const needed = groups === 1 ? 1 : metadata.shamirThreshold === 0 ? groups : metadata.shamirThreshold
  if (found.length >= needed) {
    const key = groups === 1 ? found[0] : combine(found.slice(0, Math.max(needed, 2)))
    for (const s of found) if (s !== key) s.fill(0)
    if (key !== undefined) return key
  }
  for (const s of found) s.fill(0)
  const lines = attempts.map((a) => `  ${a.keyId}: ${a.reason}`).join("\n")
  throw new NoKeyError(
    `${opts.source ?? "file"}: failed to get the data key required to decrypt the file` +
      (groups > 1 ? ` (${found.length} of ${needed} key groups opened)` : "") +
      (lines === "" ? "" : `\n${lines}`),
    attempts,
    {
      hint: "make an identity for one of these keys available (age: SOPS_AGE_KEY_FILE or ~/.config/sops/age/keys.txt)",
    },
  )
}

async function openGroup(
  keys: readonly WrappedKey[],
  openers: readonly KeyOpener[],
  opts: CallOptions,
  fail: (a: KeyAttempt) => void,
): Promise<Uint8Array | null> {
  for (const key of keys) {
    const candidates = openers.filter((o) => o.kind === key.kind)
    if (candidates.length === 0)
      fail({ keyId: wrappedKeyId(key), reason: `no ${key.kind} key source configured` })
    for (const opener of candidates) {
      try {
        const out = await opener.unwrap(key, opts.signal === undefined ? {} : { signal: opts.signal })
        if (out !== null) return out
        fail({ keyId: wrappedKeyId(key), reason: "no matching identity" })
      } catch (err) {
        fail({ keyId: wrappedKeyId(key), reason: safeMessage(err) })
      }
    }
  }
  return null
}
