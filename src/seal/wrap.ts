import { BridgeError, ErrorCode } from "../errors.js"
import type { KeyBackend, WrappedKey } from "../keys/backend.js"
import { split } from "../keys/shamir.js"

/**
 * Wraps the data key for every master key. One group: each key wraps the whole key. Several
 * groups: the key is split with Shamir (threshold t, default all groups) and every key of group
 * i wraps share i.
 */
export async function wrapDataKey(
  dataKey: Uint8Array,
  groups: readonly (readonly KeyBackend[])[],
  threshold: number,
  randomBytes: (n: number) => Uint8Array,
): Promise<WrappedKey[][]> {
  if (groups.length === 0 || groups.every((g) => g.length === 0)) {
    throw new BridgeError(ErrorCode.Config, "no master keys to wrap the data key with")
  }
  if (groups.length === 1) {
    const group = groups[0] ?? []
    return [await Promise.all(group.map((k) => k.wrap(dataKey)))]
  }
  const shares = split(dataKey, groups.length, threshold === 0 ? groups.length : threshold, randomBytes)
  try {
    return await Promise.all(
      groups.map((group, i) => Promise.all(group.map((k) => k.wrap(shares[i] ?? new Uint8Array())))),
    )
  } finally {
    for (const s of shares) s.fill(0)
  }
}
