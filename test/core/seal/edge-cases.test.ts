import { describe, expect, it } from "vitest"
import type { KeyBackend, KeyOpener, WrappedKey } from "../../../src/keys/backend.js"
import { metadataFromTree, metadataToTree } from "../../../src/seal/metadata.js"
import type { SealMetadata } from "../../../src/seal/metadata-types.js"
import { parseEnvelope } from "../../../src/seal/envelope.js"
import { sealTree } from "../../../src/seal/seal.js"
import { unsealTree } from "../../../src/seal/unseal.js"
import { bytes, comment, entry, list, map, nul, str, type MapNode } from "../../../src/tree/node.js"

// Corners of sealing and of the metadata block that the main suites do not reach.
const fakeKey: KeyBackend = {
  kind: "age",
  keyId: "age1fake",
  wrap: (k): Promise<WrappedKey> =>
    Promise.resolve({ kind: "age", recipient: "age1fake", enc: Buffer.from(k).toString("hex") }),
}
const deps = {
  now: () => new Date("2024-01-01T00:00:00Z"),
  randomBytes: (n: number) => crypto.getRandomValues(new Uint8Array(n)),
}

describe("sealing corners", () => {
  it("should leave empty strings and empty byte values unsealed, as sops does", async () => {
    const tree = map([entry("s", str("")), entry("b", bytes(new Uint8Array()))])
    const out = await sealTree([tree], { keyGroups: [[fakeKey]], rule: null }, deps)
    expect(out.branches[0]).toEqual(tree)
  })
})

describe("re-sealing after an edit", () => {
  const opener: KeyOpener = {
    kind: "age",
    unwrap: (w) => Promise.resolve(w.kind === "age" ? new Uint8Array(Buffer.from(w.enc, "hex")) : null),
  }
  const ivs = (b: MapNode): string[] =>
    b.items.flatMap((it) => {
      const text =
        it.kind === "comment"
          ? it.text
          : it.value.kind === "scalar" && it.value.value.kind === "string"
            ? it.value.value.value
            : ""
      const e = parseEnvelope(text)
      return e === null ? [] : [Buffer.from(e.iv).toString("hex")]
    })

  it("should give a changed value an IV no value of the old file had, and keep the others'", async () => {
    const tree = map([
      comment(" c"),
      entry("a", str("one")),
      entry("b", str("two")),
      entry("c", str("three")),
    ])
    const first = await sealTree([tree], { keyGroups: [[fakeKey]], rule: null }, deps)
    const sealed = first.branches[0] ?? map([])
    const open = await unsealTree([sealed], first.metadata, [opener])
    const edited = map(
      (open.branches[0] ?? map([])).items.map((it) =>
        it.kind === "entry" && it.key === "b" ? entry("b", str("TWO")) : it,
      ),
    )
    const again = await sealTree(
      [edited],
      {
        keyGroups: [],
        rule: null,
        reuse: { dataKey: open.dataKey, keyGroups: first.metadata.keyGroups, stash: open.stash },
      },
      deps,
    )
    const before = ivs(sealed)
    const after = ivs(again.branches[0] ?? map([]))
    expect(before).toHaveLength(4)
    expect([after[0], after[1], after[3]]).toEqual([before[0], before[1], before[3]])
    expect(before).not.toContain(after[2])
  })
})

describe("metadata corners", () => {
  const base: SealMetadata = {
    keyGroups: [],
    shamirThreshold: 0,
    lastModified: "2024-01-01T00:00:00Z",
    mac: "",
    rule: null,
    macOnlyEncrypted: false,
    version: "3.13.2",
  }

  it("should write back key types it cannot open exactly as it read them", () => {
    const raw = map([entry("resource_id", str("projects/p/keys/k")), entry("enc", str("E"))])
    const t = metadataToTree({ ...base, keyGroups: [[{ kind: "gcp_kms", raw }]] })
    const gcp = t.items.find((it) => it.kind === "entry" && it.key === "gcp_kms")
    expect(gcp?.kind === "entry" ? gcp.value : undefined).toEqual(list([raw]))
  })

  it.each(["azure_kv", "hckms", "gcp_kms"])("should keep a %s entry verbatim when reading", (kind) => {
    const raw = map([entry("enc", str("E"))])
    const block: MapNode = map([
      entry(kind, list([raw])),
      entry("lastmodified", str("2024-01-01T00:00:00Z")),
      entry("version", str("3.13.2")),
    ])
    expect(metadataFromTree(block, "f").keyGroups).toEqual([[{ kind, raw }]])
  })

  it("should read a kms context, skipping comments and reading a null value as empty", () => {
    const block: MapNode = map([
      entry(
        "kms",
        list([
          map([
            entry("arn", str("a")),
            entry("enc", str("e")),
            entry("context", map([comment("c"), entry("k", nul()), entry("j", str("v"))])),
          ]),
        ]),
      ),
      entry("lastmodified", str("2024-01-01T00:00:00Z")),
      entry("version", str("3.13.2")),
    ])
    const k = metadataFromTree(block, "f").keyGroups[0]?.[0]
    expect(k?.kind === "kms" ? k.context : undefined).toEqual({ k: "", j: "v" })
  })

  it("should read an empty shamir_threshold as 0", () => {
    const block: MapNode = map([
      entry("age", list([map([entry("recipient", str("r")), entry("enc", str("e"))])])),
      entry("shamir_threshold", str("")),
      entry("lastmodified", str("2024-01-01T00:00:00Z")),
      entry("version", str("3.13.2")),
    ])
    expect(metadataFromTree(block, "f").shamirThreshold).toBe(0)
  })
})
