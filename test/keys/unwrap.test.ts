import { describe, expect, it } from "vitest"
import { DEADLINE_TEST_MS } from "../helpers/deadline-test.js"
import { KeyError, KeyFailure, NoKeyError } from "../../src/errors.js"
import type { KeyOpener, WrappedKey } from "../../src/keys/backend.js"
import type { SealMetadata } from "../../src/seal/metadata-types.js"
import { decryptDataKey } from "../../src/seal/unwrap.js"

// The decrypt side: decryption order, stop at the first key that opens, classified attempts.
const kms = (arn: string): WrappedKey => ({
  kind: "kms",
  arn,
  createdAt: "",
  enc: arn,
  awsProfile: "",
})
const age = (r: string): WrappedKey => ({ kind: "age", recipient: r, enc: r })
const meta = (groups: WrappedKey[][], shamirThreshold = 0): SealMetadata => ({
  keyGroups: groups,
  shamirThreshold,
  lastModified: "",
  mac: "",
  rule: null,
  macOnlyEncrypted: false,
  version: "3.13.2",
})

function opener(
  kind: "age" | "kms",
  result: (w: WrappedKey) => Uint8Array | Error,
  calls: string[],
): KeyOpener {
  return {
    kind,
    unwrap: (w) => {
      if (w.kind !== kind) return Promise.resolve(null)
      calls.push(`${kind}:${w.kind === "kms" ? w.arn : w.kind === "age" ? w.recipient : ""}`)
      const r = result(w)
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r)
    },
  }
}

describe("decryptDataKey", () => {
  it("should try age before kms by default and stop at the first key that opens", async () => {
    const calls: string[] = []
    const key = new Uint8Array(32).fill(7)
    const openers = [opener("age", () => key, calls), opener("kms", () => key, calls)]
    const out = await decryptDataKey(meta([[kms("k1"), age("a1")]]), openers)
    expect(out).toEqual(key)
    expect(calls).toEqual(["age:a1"])
  })

  it("should follow --decryption-order", async () => {
    const calls: string[] = []
    const key = new Uint8Array(32).fill(7)
    const openers = [opener("age", () => key, calls), opener("kms", () => key, calls)]
    await decryptDataKey(meta([[age("a1"), kms("k1"), kms("k2")]]), openers, { decryptionOrder: ["kms"] })
    expect(calls).toEqual(["kms:k1"])
  })

  it("should list one line per key with its class when none opens", async () => {
    const calls: string[] = []
    const openers = [
      opener(
        "age",
        () => new KeyError(KeyFailure.NoCredentials, "no identity could open the data key"),
        calls,
      ),
      opener(
        "kms",
        (w) =>
          new KeyError(w.kind === "kms" && w.arn === "k1" ? KeyFailure.WrongContext : KeyFailure.Denied, "x"),
        calls,
      ),
    ]
    const err = await decryptDataKey(meta([[age("a1"), kms("k1"), kms("k2")]]), openers, {
      source: "f.yaml",
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NoKeyError)
    const e = err as NoKeyError
    expect(e.attempts.map((a) => a.failure)).toEqual(["no_credentials", "wrong_context", "denied"])
    expect(e.message.split("\n").slice(1)).toEqual([
      "  age a1: no credentials (no identity could open the data key)",
      "  kms k1: wrong encryption context (x)",
      "  kms k2: access denied (x)",
    ])
  })

  it("should stop opening groups once the Shamir threshold is reached", async () => {
    const calls: string[] = []
    const shares = new Map<string, Uint8Array>()
    // Two of three shares of an all-zero secret: x=1 and x=2 with y=0 recover 0.
    shares.set("a0", Uint8Array.from([...new Uint8Array(32), 1]))
    shares.set("a1", Uint8Array.from([...new Uint8Array(32), 2]))
    const openers = [
      opener("age", (w) => shares.get(w.kind === "age" ? w.recipient : "") ?? new Error("no"), calls),
    ]
    const out = await decryptDataKey(meta([[age("a0")], [age("a1")], [age("a2")]], 2), openers)
    expect(out).toEqual(new Uint8Array(32))
    expect(calls).toEqual(["age:a0", "age:a1"])
  })

  it(
    "should bound a hanging opener by the timeout",
    async () => {
      const hang: KeyOpener = { kind: "kms", unwrap: () => new Promise(() => undefined) }
      const err = await decryptDataKey(meta([[kms("k1")]]), [hang], { timeoutMs: 80 }).catch(
        (e: unknown) => e,
      )
      expect((err as NoKeyError).attempts[0]).toMatchObject({
        failure: "unreachable",
        reason: "timed out after 0.08s",
      })
    },
    DEADLINE_TEST_MS,
  )
})
