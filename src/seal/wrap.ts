import { attemptLines, BridgeError, ErrorCode, KeyWrapError, type KeyAttempt } from "../errors.js"
import type { CallOptions, KeyBackend, WrappedKey } from "../keys/backend.js"
import { withDeadline } from "../keys/call.js"
import { classifyKeyError } from "../keys/classify.js"
import { split } from "../keys/shamir.js"

/**
 * Wraps the data key for every master key. One group: each key wraps the whole key. Several
 * groups: the key is split with Shamir (threshold t, default all groups) and every key of group
 * i wraps share i. All keys are asked at once (a file with four network keys costs about one
 * round trip), each under its own deadline; every failure is recorded, not just the first.
 * @throws KeyWrapError (KEY_WRAP) listing each key that failed and why; CONFIG when there are no keys
 */
export async function wrapDataKey(
  dataKey: Uint8Array,
  groups: readonly (readonly KeyBackend[])[],
  threshold: number,
  randomBytes: (n: number) => Uint8Array,
  call: CallOptions = {},
): Promise<WrappedKey[][]> {
  if (groups.length === 0 || groups.every((g) => g.length === 0)) {
    throw new BridgeError(ErrorCode.Config, "no master keys to wrap the data key with")
  }
  if (groups.length > 1 && groups.some((g) => g.length === 0)) {
    // sops' own text: tools match on it.
    throw new KeyWrapError("Could not generate data key: [empty key group provided]", [])
  }
  const shares =
    groups.length === 1
      ? null
      : split(dataKey, groups.length, threshold === 0 ? groups.length : threshold, randomBytes)
  try {
    const attempts: KeyAttempt[] = []
    const settled = await Promise.all(
      groups.map((group, i) =>
        Promise.allSettled(
          group.map((k) => withDeadline(call, (opts) => k.wrap(shares?.[i] ?? dataKey, opts))),
        ),
      ),
    )
    const out = settled.map((group, g) =>
      group.flatMap((r, i) => {
        if (r.status === "fulfilled") return [r.value]
        const key = groups[g]?.[i]
        const { failure, reason } = classifyKeyError(r.reason)
        attempts.push({
          keyId: `${groups.length > 1 ? `group ${g}: ` : ""}${key?.keyId ?? "?"}`,
          kind: key?.kind ?? "?",
          failure,
          reason,
        })
        return []
      }),
    )
    if (attempts.length > 0) {
      throw new KeyWrapError(`could not generate data key:\n${attemptLines(attempts)}`, attempts, {
        hint: "check the key ids, credentials and that the key services are reachable (--debug shows causes)",
        cause: settled.flat().find((r) => r.status === "rejected")?.reason,
      })
    }
    return out
  } finally {
    for (const s of shares ?? []) s.fill(0)
  }
}
