import { attemptLines, KeyFailure, NoKeyError, type KeyAttempt } from "../errors.js"
import type { BackendKind, CallOptions, KeyOpener, WrappedKey } from "../keys/backend.js"
import { wrappedKeyId } from "../keys/backend.js"
import { withDeadline } from "../keys/call.js"
import { classifyKeyError } from "../keys/classify.js"
import { combine } from "../keys/shamir.js"
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
 * Recovers the data key: in each group, keys are tried one at a time in decryption order and
 * the first that opens wins ("null" = not mine, a throw is a failed attempt with its class).
 * With several groups, groups are opened until the Shamir threshold of shares is reached.
 * @throws NoKeyError (NO_KEY, sops exit 128) listing every attempt and why it failed
 */
export async function decryptDataKey(
  metadata: SealMetadata,
  openers: readonly KeyOpener[],
  opts: UnwrapOptions = {},
): Promise<Uint8Array> {
  const order = [...(opts.decryptionOrder ?? []), ...DEFAULT_DECRYPTION_ORDER]
  const rank = (k: WrappedKey): number => order.indexOf(k.kind)
  const groups = metadata.keyGroups.length
  const needed = groups === 1 ? 1 : metadata.shamirThreshold === 0 ? groups : metadata.shamirThreshold
  const call: CallOptions = {
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  }
  const attempts: KeyAttempt[] = []
  const found: Uint8Array[] = []
  for (const [g, group] of metadata.keyGroups.entries()) {
    if (found.length >= needed) break
    const sorted = [...group].sort((a, b) => rank(a) - rank(b))
    const share = await openGroup(sorted, openers, call, (a) =>
      attempts.push(groups > 1 ? { ...a, keyId: `group ${g}: ${a.keyId}` } : a),
    )
    if (share !== null) found.push(share)
  }
  if (found.length >= needed) {
    const key = groups === 1 ? found[0] : combine(found.slice(0, Math.max(needed, 2)))
    for (const s of found) if (s !== key) s.fill(0)
    if (key !== undefined) return key
  }
  for (const s of found) s.fill(0)
  const lines = attemptLines(attempts)
  throw new NoKeyError(
    `${opts.source ?? "file"}: failed to get the data key required to decrypt the file` +
      (groups > 1 ? ` (${found.length} of ${needed} key groups opened)` : "") +
      (lines === "" ? "" : `\n${lines}`),
    attempts,
    {
      hint: "make a credential for one of these keys available (age: SOPS_AGE_KEY_FILE or ~/.config/sops/age/keys.txt; --debug shows causes)",
    },
  )
}

async function openGroup(
  keys: readonly WrappedKey[],
  openers: readonly KeyOpener[],
  call: CallOptions,
  fail: (a: KeyAttempt) => void,
): Promise<Uint8Array | null> {
  for (const key of keys) {
    const keyId = wrappedKeyId(key)
    const candidates = openers.filter((o) => o.kind === key.kind)
    if (candidates.length === 0)
      fail({
        keyId,
        kind: key.kind,
        failure: KeyFailure.Other,
        reason: `sealbridge cannot open ${key.kind} keys`,
      })
    for (const opener of candidates) {
      try {
        const out = await withDeadline(call, (opts) => opener.unwrap(key, opts))
        if (out !== null) return out
        fail({ keyId, kind: key.kind, failure: KeyFailure.NoCredentials, reason: "no matching identity" })
      } catch (err) {
        fail({ keyId, kind: key.kind, ...classifyKeyError(err) })
      }
    }
  }
  return null
}
