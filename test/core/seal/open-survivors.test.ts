import { describe, expect, it } from "vitest"
import type { WrappedKey } from "../../../src/keys/backend.js"
import { metadataFromTree, metadataToTree } from "../../../src/seal/metadata.js"
import { RuleKind, type SealMetadata } from "../../../src/seal/metadata-types.js"
import { policyFor } from "../../../src/seal/policy.js"
import { scalarFromPlaintext } from "../../../src/seal/value-cipher.js"
import { entry, list, map, str, type TreeNode } from "../../../src/tree/node.js"

// Cases the first mutation run over src/seal showed untested: unsorted input to the sorted
// metadata writer, the version check's anchors, one comment level with mixed comments, and a
// time with a multi-digit fraction.
type Plain = string | Plain[] | { [k: string]: Plain }
function plain(n: TreeNode): Plain {
  if (n.kind === "list") return n.items.flatMap((i) => (i.kind === "comment" ? [] : [plain(i)]))
  if (n.kind === "map") {
    const o: Record<string, Plain> = {}
    for (const it of n.items) if (it.kind === "entry") o[it.key] = plain(it.value)
    return o
  }
  return n.value.kind === "string" || n.value.kind === "bool" || n.value.kind === "int"
    ? String(n.value.value)
    : ""
}
const base: SealMetadata = {
  keyGroups: [[{ kind: "age", recipient: "r", enc: "e" }]],
  shamirThreshold: 0,
  lastModified: "2024-01-01T00:00:00Z",
  mac: "M",
  rule: null,
  macOnlyEncrypted: false,
  version: "3.13.2",
}

describe("metadata writer sorts what arrives unsorted", () => {
  it("should write the rule key in byte order among the others", () => {
    const t = metadataToTree({
      ...base,
      rule: { kind: RuleKind.EncryptedRegex, value: "x" },
      macOnlyEncrypted: true,
    })
    expect(Object.keys(plain(t) as Record<string, Plain>)).toEqual([
      "age",
      "encrypted_regex",
      "lastmodified",
      "mac",
      "mac_only_encrypted",
      "version",
    ])
  })

  it("should sort a kms context given in reverse order", () => {
    const kms: WrappedKey = {
      kind: "kms",
      arn: "a",
      createdAt: "c",
      enc: "e",
      awsProfile: "",
      context: { d: "4", c: "3", b: "2", a: "1", B: "0" },
    }
    const t = plain(metadataToTree({ ...base, keyGroups: [[kms]] })) as Record<string, Plain[]>
    const ctx = (t["kms"]?.[0] as Record<string, Plain>)["context"] as Record<string, Plain>
    expect(Object.keys(ctx)).toEqual(["B", "a", "b", "c", "d"])
  })
})

describe("version check", () => {
  const read = (version: string): unknown => {
    const block = map([
      entry("age", list([map([entry("recipient", str("r")), entry("enc", str("e"))])])),
      entry("lastmodified", str("2024-01-01T00:00:00Z")),
      entry("version", str(version)),
    ])
    try {
      return metadataFromTree(block, "f").version
    } catch (err) {
      return (err as Error).message
    }
  }
  it("should anchor the version at the start and allow multi-digit parts", () => {
    expect(read("v3.1")).toBe("f: sops metadata: version: missing or not a version number")
    expect(read("10.1")).toBe("10.1")
    expect(read("3.10.12")).toBe("3.10.12")
  })
})

describe("one comment level with a marker among other comments", () => {
  it("unencrypted_comment_regex: one matching comment on the level is enough", () => {
    const p = policyFor({ kind: RuleKind.UnencryptedCommentRegex, value: "sops:plain" })
    expect(p.shouldSeal(["a"], [[" note", " sops:plain"]], false)).toBe(false)
  })
})

describe("time values", () => {
  it("should accept a fraction of several digits", () => {
    const t = "2024-01-01T00:00:00.123456789Z"
    expect(scalarFromPlaintext(new TextEncoder().encode(t), "time", "w")).toEqual({ kind: "time", value: t })
  })
})
