import { describe, expect, it } from "vitest"
import { KeyWrapError, NoKeyError } from "../../../src/errors.js"
import type { KeyBackend, KeyOpener, WrappedKey } from "../../../src/keys/backend.js"
import { RuleKind, type SealMetadata, type SelectionRule } from "../../../src/seal/metadata-types.js"
import { PIECE_BYTES, sealBinaryStream } from "../../../src/seal/seal-binary.js"
import { sealTree } from "../../../src/seal/seal.js"
import { unsealTree } from "../../../src/seal/unseal.js"
import { decryptDataKey } from "../../../src/seal/unwrap.js"
import { wrapDataKey } from "../../../src/seal/wrap.js"
import { bytes, entry, map, str, type MapNode } from "../../../src/tree/node.js"

// Key groups through sealTree and the streaming binary seal (Shamir randomness comes from the
// caller's deps, the threshold is stored), the binary seal's hand-overs and key hygiene, and the
// decrypt side's default order and thresholds (survivors of the mutation runs over src/seal).

/** Counter bytes, remembering every buffer handed out. */
function recordingDeps(): { now: () => Date; randomBytes: (n: number) => Uint8Array; drawn: Uint8Array[] } {
  let c = 0
  const drawn: Uint8Array[] = []
  return {
    now: () => new Date("2026-01-02T03:04:05Z"),
    randomBytes: (n) => {
      const b = Uint8Array.from({ length: n }, () => c++ & 0xff)
      drawn.push(b)
      return b
    },
    drawn,
  }
}
/** A fake age key whose "wrapped" form is the hex of what it was given. */
const hexKey = (id: string): KeyBackend => ({
  kind: "age",
  keyId: id,
  wrap: (k): Promise<WrappedKey> =>
    Promise.resolve({ kind: "age", recipient: id, enc: Buffer.from(k).toString("hex") }),
})
/** Opens the hex keys of the listed recipients only. */
const hexOpener = (...ids: string[]): KeyOpener => ({
  kind: "age",
  unwrap: (w) =>
    Promise.resolve(
      w.kind === "age" && ids.includes(w.recipient) ? new Uint8Array(Buffer.from(w.enc, "hex")) : null,
    ),
})
const valueOf = (b: MapNode | undefined, key: string): unknown => {
  const e = b?.items.find((it) => it.kind === "entry" && it.key === key)
  return e?.kind === "entry" && e.value.kind === "scalar" ? e.value.value : undefined
}

describe("sealTree with several key groups", () => {
  it("should split with the caller's randomness, store the threshold, and open with that many groups", async () => {
    const deps = recordingDeps()
    const tree = map([entry("a", str("secret")), entry("b", str("other"))])
    const out = await sealTree(
      [tree],
      { keyGroups: [[hexKey("g0")], [hexKey("g1")], [hexKey("g2")]], shamirThreshold: 2, rule: null },
      deps,
    )
    // data key, two IVs, MAC IV, then one coefficient per key byte (threshold 2).
    expect(deps.drawn.map((b) => b.length)).toEqual([32, 32, 32, 32, ...new Array<number>(32).fill(1)])
    expect(out.metadata.shamirThreshold).toBe(2)
    expect(out.metadata.keyGroups).toHaveLength(3)
    const open = await unsealTree(out.branches, out.metadata, [hexOpener("g0", "g2")])
    expect(valueOf(open.branches[0], "a")).toEqual({ kind: "string", value: "secret" })
    expect(valueOf(open.branches[0], "b")).toEqual({ kind: "string", value: "other" })
  })
})

describe("sealBinaryStream", () => {
  const file = Buffer.from("binary \u0000 data")
  const opts = (extra: object = {}): Parameters<typeof sealBinaryStream>[1] => ({
    keyGroups: [[hexKey("k")]],
    rule: null,
    ...extra,
  })
  const whole = (s: { pieces(): Generator<string> }): string => [...s.pieces()].join("")

  it("should seal with key groups exactly as the tree path does, threshold stored", async () => {
    const keyGroups = [[hexKey("g0")], [hexKey("g1")], [hexKey("g2")]]
    const streamed = await sealBinaryStream(file, opts({ keyGroups, shamirThreshold: 2 }), recordingDeps())
    const tree = await sealTree(
      [map([entry("data", bytes(new Uint8Array(file)))])],
      { keyGroups, shamirThreshold: 2, rule: null, storeRule: false },
      recordingDeps(),
    )
    if (streamed === null) throw new Error("the streaming seal did not apply")
    expect(streamed.metadata).toEqual(tree.metadata)
    expect(streamed.metadata.shamirThreshold).toBe(2)
    expect(whole(streamed)).toBe((valueOf(tree.branches[0], "data") as { value: string }).value)
  })

  it("should store mac_only_encrypted", async () => {
    const s = await sealBinaryStream(file, opts({ macOnlyEncrypted: true }), recordingDeps())
    expect(s?.metadata.macOnlyEncrypted).toBe(true)
  })

  it("should hand over (null) a re-seal and a rule that leaves data unsealed", async () => {
    const reuse = { dataKey: new Uint8Array(32), keyGroups: [], stash: new Map<string, Uint8Array>() }
    expect(await sealBinaryStream(file, opts({ reuse }), recordingDeps())).toBeNull()
    const rule = (kind: SelectionRule["kind"], value: string): object => ({ rule: { kind, value } })
    for (const r of [
      rule(RuleKind.UnencryptedRegex, "^data$"),
      rule(RuleKind.EncryptedSuffix, "_secret"),
      // A binary value has no comment before it: a comment rule that seals marked values seals none.
      rule(RuleKind.EncryptedCommentRegex, "."),
    ])
      expect(await sealBinaryStream(file, opts(r), recordingDeps())).toBeNull()
    for (const r of [rule(RuleKind.EncryptedRegex, "^data$"), rule(RuleKind.UnencryptedCommentRegex, ".")])
      expect(await sealBinaryStream(file, opts(r), recordingDeps())).not.toBeNull()
  })

  it("should make one piece per PIECE_BYTES of input, none empty", async () => {
    for (const n of [1, PIECE_BYTES, 2 * PIECE_BYTES, 2 * PIECE_BYTES + 1]) {
      const s = await sealBinaryStream(new Uint8Array(n).fill(7), opts(), recordingDeps())
      const pieces = [...(s?.pieces() ?? [])]
      expect(pieces).toHaveLength(2 + Math.ceil(n / PIECE_BYTES))
      expect(pieces.every((p) => p.length > 0)).toBe(true)
    }
  })

  it("should wipe the data key before returning, and still produce the sealed text", async () => {
    const deps = recordingDeps()
    const s = await sealBinaryStream(file, opts(), deps)
    const dataKey = deps.drawn[0]
    expect(dataKey?.length).toBe(32)
    expect(dataKey?.every((b) => b === 0)).toBe(true)
    expect(whole(s ?? { pieces: function* () {} })).toMatch(
      /^ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/,
    )
  })
})

const meta = (groups: WrappedKey[][], shamirThreshold = 0): SealMetadata => ({
  keyGroups: groups,
  shamirThreshold,
  lastModified: "",
  mac: "",
  rule: null,
  macOnlyEncrypted: false,
  version: "3.13.2",
})

describe("decryptDataKey", () => {
  it("should try the key types in sops' default order: age, pgp, kms, gcp_kms, hckms, azure_kv, hc_vault", async () => {
    const raw = map([])
    const group: WrappedKey[] = [
      { kind: "hc_vault", vaultAddress: "v", enginePath: "e", keyName: "k", createdAt: "", enc: "" },
      { kind: "azure_kv", raw },
      { kind: "hckms", raw },
      { kind: "gcp_kms", raw },
      { kind: "kms", arn: "arn", createdAt: "", enc: "", awsProfile: "" },
      { kind: "pgp", fp: "FP", createdAt: "", enc: "" },
      { kind: "age", recipient: "r", enc: "" },
    ]
    const err = (await decryptDataKey(meta([group]), []).catch((e: unknown) => e)) as NoKeyError
    expect(err).toBeInstanceOf(NoKeyError)
    expect(err.attempts.map((a) => a.kind)).toEqual([
      "age",
      "pgp",
      "kms",
      "gcp_kms",
      "hckms",
      "azure_kv",
      "hc_vault",
    ])
  })

  it("should open a single group with its one key whatever threshold is stored", async () => {
    const key = new Uint8Array(32).fill(9)
    const w: WrappedKey = { kind: "age", recipient: "a", enc: Buffer.from(key).toString("hex") }
    expect(await decryptDataKey(meta([[w]], 2), [hexOpener("a")])).toEqual(key)
  })

  it("should combine three shares for a threshold of three", async () => {
    const deps = recordingDeps()
    const key = deps.randomBytes(32).slice()
    const groups = await wrapDataKey(key, [[hexKey("a")], [hexKey("b")], [hexKey("c")]], 3, deps.randomBytes)
    expect(await decryptDataKey(meta(groups, 3), [hexOpener("a", "b", "c")])).toEqual(key)
  })
})

describe("wrapDataKey", () => {
  it("should split for the stored threshold, not for all groups", async () => {
    const draws: number[] = []
    const rnd = (n: number): Uint8Array => (draws.push(n), new Uint8Array(n).fill(1))
    await wrapDataKey(new Uint8Array(32).fill(3), [[hexKey("a")], [hexKey("b")], [hexKey("c")]], 2, rnd)
    expect(draws).toEqual(new Array<number>(32).fill(1))
  })

  it("should refuse an empty group among several before asking any key, with no attempts", async () => {
    const asked: string[] = []
    const spy: KeyBackend = { ...hexKey("a"), wrap: (k) => (asked.push("a"), hexKey("a").wrap(k)) }
    const err = (await wrapDataKey(new Uint8Array(32), [[spy], []], 0, (n) => new Uint8Array(n)).catch(
      (e: unknown) => e,
    )) as KeyWrapError
    expect(err).toBeInstanceOf(KeyWrapError)
    expect(err.message).toBe("Could not generate data key: [empty key group provided]")
    expect(err.attempts).toEqual([])
    expect(asked).toEqual([])
  })
})
