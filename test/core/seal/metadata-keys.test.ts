import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import type { WrappedKey } from "../../../src/keys/backend.js"
import { metadataFromTree, metadataToTree } from "../../../src/seal/metadata.js"
import { readKeyEntry } from "../../../src/seal/metadata-keys.js"
import type { SealMetadata } from "../../../src/seal/metadata-types.js"
import { comment, entry, list, map, nul, str, type MapNode, type TreeNode } from "../../../src/tree/node.js"

// Master-key entries and the `sops` block at their corners (survivors of the mutation runs over
// src/seal): optional kms fields absent rather than empty, created_at of every type, context
// given as something other than a map, unknown fields and lists, one empty group among several.
const block = (...entries: [string, TreeNode][]): MapNode => map(entries.map(([k, v]) => entry(k, v)))
const common: [string, TreeNode][] = [
  ["lastmodified", str("2024-01-01T00:00:00Z")],
  ["version", str("3.13.2")],
]
const ageEntry = block(["recipient", str("age1r")], ["enc", str("E")])
const read = (...entries: [string, TreeNode][]): SealMetadata =>
  metadataFromTree(block(...entries, ...common), "f.yaml")
const firstKey = (m: SealMetadata): WrappedKey | undefined => m.keyGroups[0]?.[0]
const failure = (f: () => unknown): { code: string; message: string; hint: string | undefined } => {
  try {
    f()
  } catch (err) {
    if (err instanceof BridgeError) return { code: err.code, message: err.message, hint: err.hint }
    throw err
  }
  throw new Error("expected a BridgeError")
}
/** Entry keys of a map node in stored order, values as text (nested maps/lists recursively). */
type Plain = string | Plain[] | [string, Plain][]
function plain(n: TreeNode): Plain {
  if (n.kind === "list") return n.items.flatMap((i) => (i.kind === "comment" ? [] : [plain(i)]))
  if (n.kind === "map")
    return n.items.flatMap((i): [string, Plain][] => (i.kind === "entry" ? [[i.key, plain(i.value)]] : []))
  return n.value.kind === "string" ? n.value.value : `<${n.value.kind}>`
}
const meta = (keys: WrappedKey[]): SealMetadata => ({
  keyGroups: [keys],
  shamirThreshold: 0,
  lastModified: "L",
  mac: "M",
  rule: null,
  macOnlyEncrypted: false,
  version: "3.13.2",
})

describe("kms entries", () => {
  const kms: WrappedKey = { kind: "kms", arn: "arn:k", createdAt: "c", enc: "K", awsProfile: "" }

  it("should write a kms key with no context and no role as four fields", () => {
    const t = plain(metadataToTree(meta([kms])))
    expect(t).toEqual([
      [
        "kms",
        [
          [
            ["arn", "arn:k"],
            ["aws_profile", ""],
            ["created_at", "c"],
            ["enc", "K"],
          ],
        ],
      ],
      ["lastmodified", "L"],
      ["mac", "M"],
      ["version", "3.13.2"],
    ])
  })

  it("should write a large kms context in byte order, whatever order it came in", () => {
    // 100 keys in a fixed scrambled order (i * 37 mod 100): long enough for merges of sorted runs,
    // which is where a comparator that is wrong only for "greater" shows.
    const keys = Array.from({ length: 100 }, (_, i) => `k${String(i).padStart(3, "0")}`)
    const scrambled = keys.map((_, i) => keys[(i * 37) % 100] ?? "")
    for (const order of [scrambled, [...keys].reverse()]) {
      const context = Object.fromEntries(order.map((k) => [k, "v"]))
      const t = plain(metadataToTree(meta([{ ...kms, context }])))
      const entryOf = (t[0] as [string, Plain])[1] as Plain[]
      const ctx = (entryOf[0] as [string, Plain][]).find(([k]) => k === "context")?.[1] as [string, Plain][]
      expect(ctx.map(([k]) => k)).toEqual(keys)
    }
  })

  it("should read a kms entry without role or context into an object without those fields", () => {
    const k = firstKey(read(["kms", list([block(["arn", str("arn:k")], ["enc", str("K")])])]))
    // toStrictEqual: a field present with the value undefined would differ.
    expect(k).toStrictEqual({ kind: "kms", arn: "arn:k", createdAt: "", enc: "K", awsProfile: "" })
  })

  it("should take only a map named context as the context", () => {
    const kmsWith = (...extra: [string, TreeNode][]): WrappedKey | undefined =>
      firstKey(read(["kms", list([block(["arn", str("a")], ["enc", str("e")], ...extra)])]))
    // A context written as null (or any scalar) is no context.
    expect(kmsWith(["context", nul()])).toStrictEqual({
      kind: "kms",
      arn: "a",
      createdAt: "",
      enc: "e",
      awsProfile: "",
    })
    // An unknown map-valued field is not the context, before or instead of it.
    const unknown: [string, TreeNode] = ["grants", block(["x", str("1")])]
    expect(kmsWith(unknown)).toStrictEqual({ kind: "kms", arn: "a", createdAt: "", enc: "e", awsProfile: "" })
    expect(kmsWith(unknown, ["context", block(["k", str("v")])])).toStrictEqual({
      kind: "kms",
      arn: "a",
      context: { k: "v" },
      createdAt: "",
      enc: "e",
      awsProfile: "",
    })
  })

  it("should skip comment items when reading a kms entry's fields", () => {
    const entryWithComments = map([
      comment(" arn"),
      entry("arn", str("a")),
      comment(" enc"),
      entry("enc", str("e")),
      entry("context", map([comment(" ctx"), entry("k", str("v"))])),
    ])
    expect(firstKey(read(["kms", list([entryWithComments])]))).toStrictEqual({
      kind: "kms",
      arn: "a",
      context: { k: "v" },
      createdAt: "",
      enc: "e",
      awsProfile: "",
    })
  })
})

describe("created_at of the other key types", () => {
  it("should read hc_vault's created_at, and an absent one as empty", () => {
    const vault = (...extra: [string, TreeNode][]): WrappedKey | undefined =>
      firstKey(
        read([
          "hc_vault",
          list([
            block(
              ["vault_address", str("http://v")],
              ["engine_path", str("transit")],
              ["key_name", str("k")],
              ["enc", str("V")],
              ...extra,
            ),
          ]),
        ]),
      )
    expect(vault(["created_at", str("2024-02-03T04:05:06Z")])).toStrictEqual({
      kind: "hc_vault",
      vaultAddress: "http://v",
      enginePath: "transit",
      keyName: "k",
      createdAt: "2024-02-03T04:05:06Z",
      enc: "V",
    })
    expect(vault()).toMatchObject({ createdAt: "" })
  })

  it("should read pgp's created_at, and an absent one as empty", () => {
    const pgp = (...extra: [string, TreeNode][]): WrappedKey | undefined =>
      firstKey(read(["pgp", list([block(["fp", str("FP")], ["enc", str("P")], ...extra)])]))
    expect(pgp()).toStrictEqual({ kind: "pgp", fp: "FP", createdAt: "", enc: "P" })
    expect(pgp(["created_at", str("t")])).toStrictEqual({ kind: "pgp", fp: "FP", createdAt: "t", enc: "P" })
  })
})

describe("key types", () => {
  it("should refuse a list name that is no key type, naming where (FORMAT)", () => {
    expect(failure(() => readKeyEntry("gcp", ageEntry, "f: sops metadata: keys.gcp[0]"))).toEqual({
      code: "FORMAT",
      message: "f: sops metadata: keys.gcp[0]: unknown key type gcp",
      hint: undefined,
    })
  })

  it.each(["azure_kv", "hckms"])("should write a %s entry back as it was read", (kind) => {
    const raw = block(["enc", str("E")], ["vault_url", str("https://x")])
    const m = read([kind, list([raw])])
    expect(m.keyGroups).toEqual([[{ kind, raw }]])
    expect(plain(metadataToTree(m))[0]).toEqual([kind, [plain(raw)]])
  })

  it("should ignore an unknown list in the block, even one holding maps", () => {
    const m = read(["age", list([ageEntry])], ["future_kms", list([block(["enc", str("X")])])])
    expect(m.keyGroups).toEqual([[{ kind: "age", recipient: "age1r", enc: "E" }]])
  })
})

describe("the sops block", () => {
  it("should read the keys flat when key_groups is not a list", () => {
    for (const groups of [str("none"), block(["age", list([ageEntry])])]) {
      const m = read(["key_groups", groups], ["age", list([ageEntry])])
      expect(m.keyGroups).toEqual([[{ kind: "age", recipient: "age1r", enc: "E" }]])
    }
  })

  it("should keep an empty group among groups that name keys", () => {
    const m = read(["key_groups", list([block(["age", list([ageEntry])]), block(["age", list([])])])])
    expect(m.keyGroups).toEqual([[{ kind: "age", recipient: "age1r", enc: "E" }], []])
  })

  it("should refuse a block without keys with a hint (NO_KEY)", () => {
    expect(failure(() => read(["key_groups", list([block(["age", list([])])])]))).toEqual({
      code: "NO_KEY",
      message: "f.yaml: no keys found in file",
      hint: "the sops metadata names no master key",
    })
  })
})
