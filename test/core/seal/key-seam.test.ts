import { describe, expect, it } from "vitest"
import { BridgeError, KeyWrapError, NoKeyError } from "../../../src/errors.js"
import type { KeyBackend, KeyOpener, WrappedKey } from "../../../src/keys/backend.js"
import { split } from "../../../src/keys/shamir.js"
import type { SealMetadata } from "../../../src/seal/metadata-types.js"
import { decryptDataKey } from "../../../src/seal/unwrap.js"
import { wrapDataKey } from "../../../src/seal/wrap.js"

// Both ends of the key seam with key groups: the messages a user reads when keys fail, and that
// no share or key outlives its use.
const age = (r: string): WrappedKey => ({ kind: "age", recipient: r, enc: r })
const kms = (arn: string): WrappedKey => ({ kind: "kms", arn, createdAt: "", enc: arn, awsProfile: "" })
const meta = (groups: WrappedKey[][], shamirThreshold = 0): SealMetadata => ({
  keyGroups: groups,
  shamirThreshold,
  lastModified: "",
  mac: "",
  rule: null,
  macOnlyEncrypted: false,
  version: "3.13.2",
})
const rnd = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n))

/** An age opener that hands out fresh copies of the shares it holds, and remembers them. */
function holder(shares: Record<string, Uint8Array>, handed: Uint8Array[] = []): KeyOpener {
  return {
    kind: "age",
    unwrap: (w) => {
      const s = w.kind === "age" ? shares[w.recipient] : undefined
      if (s === undefined) return Promise.resolve(null)
      const copy = s.slice()
      handed.push(copy)
      return Promise.resolve(copy)
    },
  }
}

describe("decryptDataKey with key groups", () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
  const [s0, s1, s2] = split(secret, 3, 2, rnd) as [Uint8Array, Uint8Array, Uint8Array]

  it("should combine the threshold of shares and zero every share it was handed", async () => {
    const handed: Uint8Array[] = []
    const out = await decryptDataKey(meta([[age("a")], [age("b")], [age("c")]], 2), [
      holder({ a: s0, c: s2 }, handed),
    ])
    expect(out).toEqual(secret)
    expect(handed).toHaveLength(2)
    for (const h of handed) expect(h.every((b) => b === 0)).toBe(true)
  })

  it("should need every group when no threshold is stored", async () => {
    const err = await decryptDataKey(meta([[age("a")], [age("b")]], 0), [holder({ a: s0 })], {
      source: "f.yaml",
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NoKeyError)
    expect((err as NoKeyError).message).toBe(
      "f.yaml: failed to get the data key required to decrypt the file (1 of 2 key groups opened)\n" +
        "  age group 1: b: no credentials (no matching identity)",
    )
  })

  it("should zero the shares it found when there are too few", async () => {
    const handed: Uint8Array[] = []
    await decryptDataKey(meta([[age("a")], [age("b")], [age("c")]], 3), [
      holder({ a: s0, b: s1 }, handed),
    ]).catch(() => undefined)
    expect(handed).toHaveLength(2)
    for (const h of handed) expect(h.every((b) => b === 0)).toBe(true)
  })

  it("should return the one group's key itself, unzeroed", async () => {
    const out = await decryptDataKey(meta([[age("a")]]), [holder({ a: secret })])
    expect(out).toEqual(secret)
  })

  it("should say which kinds it cannot open, and name the file", async () => {
    const err = (await decryptDataKey(meta([[kms("arn:k")]]), [holder({})]).catch(
      (e: unknown) => e,
    )) as NoKeyError
    expect(err).toBeInstanceOf(NoKeyError)
    expect(err.message).toBe(
      "file: failed to get the data key required to decrypt the file\n  kms arn:k: failed (sealbridge cannot open kms keys)",
    )
    expect(err.attempts).toEqual([
      { keyId: "arn:k", kind: "kms", failure: "other", reason: "sealbridge cannot open kms keys" },
    ])
    expect(err.hint).toBe(
      "make a credential for one of these keys available (age: SOPS_AGE_KEY_FILE or ~/.config/sops/age/keys.txt; --debug shows causes)",
    )
    const none = (await decryptDataKey(meta([[]]), []).catch((e: unknown) => e)) as NoKeyError
    expect(none.message).toBe("file: failed to get the data key required to decrypt the file")
  })

  it("should hand each opener the caller's signal and timeout", async () => {
    const seen: unknown[] = []
    const spy: KeyOpener = {
      kind: "age",
      unwrap: (_w, opts) => {
        seen.push(opts)
        return Promise.resolve(secret.slice())
      },
    }
    await decryptDataKey(meta([[age("a")]]), [spy])
    const signal = new AbortController().signal
    await decryptDataKey(meta([[age("a")]]), [spy], { signal })
    expect(seen[0]).toEqual({})
    expect((seen[1] as { signal?: AbortSignal }).signal).toBeInstanceOf(AbortSignal)
  })
})

describe("wrapDataKey with key groups", () => {
  const ok = (id: string, seen: Uint8Array[] = []): KeyBackend => ({
    kind: "age",
    keyId: id,
    wrap: (k) => {
      seen.push(k)
      return Promise.resolve({ kind: "age", recipient: id, enc: Buffer.from(k).toString("hex") })
    },
  })
  const failing = (id: string): KeyBackend => ({
    kind: "age",
    keyId: id,
    wrap: () => Promise.reject(new Error("down")),
  })

  it("should refuse to seal with no master key at all (CONFIG)", async () => {
    for (const groups of [[], [[]], [[], []]]) {
      const err = await wrapDataKey(rnd(32), groups, 0, rnd).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(BridgeError)
      expect((err as BridgeError).code).toBe("CONFIG")
      expect((err as BridgeError).message).toBe("no master keys to wrap the data key with")
    }
  })

  it("should split for all groups when the threshold is 0, and zero the shares afterwards", async () => {
    const seen: Uint8Array[] = []
    const draws: number[] = []
    const random = (n: number): Uint8Array => (draws.push(n), rnd(n))
    await wrapDataKey(rnd(32), [[ok("a", seen)], [ok("b", seen)], [ok("c", seen)]], 0, random)
    // threshold 3: two random coefficients per byte of the 32-byte key.
    expect(draws).toEqual(new Array<number>(32).fill(2))
    expect(seen).toHaveLength(3)
    for (const s of seen) expect(s.every((b) => b === 0)).toBe(true)
  })

  it("should wrap the key itself for one group, and leave it intact", async () => {
    const key = rnd(32)
    const seen: Uint8Array[] = []
    await wrapDataKey(key, [[ok("a", seen), ok("b", seen)]], 0, rnd)
    expect(seen).toEqual([key, key])
    expect(key.some((b) => b !== 0)).toBe(true)
  })

  it("should name the group of each failing key, with a hint and the first cause", async () => {
    const err = (await wrapDataKey(rnd(32), [[ok("a")], [failing("b")]], 2, rnd).catch(
      (e: unknown) => e,
    )) as KeyWrapError
    expect(err).toBeInstanceOf(KeyWrapError)
    expect(err.message).toBe("could not generate data key:\n  age group 1: b: failed (down)")
    expect(err.hint).toBe(
      "check the key ids, credentials and that the key services are reachable (--debug shows causes)",
    )
    expect((err.cause as Error).message).toBe("down")
    const one = (await wrapDataKey(rnd(32), [[failing("c")]], 0, rnd).catch(
      (e: unknown) => e,
    )) as KeyWrapError
    expect(one.message).toBe("could not generate data key:\n  age c: failed (down)")
  })
})
