import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import type { WrappedKey } from "../../../src/keys/backend.js"
import { metadataFromTree, metadataToTree } from "../../../src/seal/metadata.js"
import { RuleKind, type SealMetadata } from "../../../src/seal/metadata-types.js"
import { entry, list, map, str, type MapNode, type TreeNode } from "../../../src/tree/node.js"

// Spec §6.1: the `sops` block as sops 3.13 writes it, and what a reader accepts or refuses.
type Plain = string | Plain[] | { [k: string]: Plain }
/** Keys in stored order (Object.entries keeps insertion order for non-numeric keys). */
function plain(n: TreeNode): Plain {
  if (n.kind === "list") return n.items.flatMap((i) => (i.kind === "comment" ? [] : [plain(i)]))
  if (n.kind === "map") {
    const o: Record<string, Plain> = {}
    for (const it of n.items) if (it.kind === "entry") o[it.key] = plain(it.value)
    return o
  }
  const v = n.value
  return v.kind === "null" ? "null" : v.kind === "bytes" ? "bytes" : String(v.value)
}
const keysOf = (n: TreeNode): string[] => Object.keys(plain(n) as Record<string, Plain>)

const age: WrappedKey = { kind: "age", recipient: "age1r", enc: "E" }
const kms: WrappedKey = {
  kind: "kms",
  arn: "arn:aws:kms:eu-west-1:1:key/k",
  role: "arn:aws:iam::1:role/r",
  context: { zeta: "z", alpha: "a" },
  createdAt: "2024-01-01T00:00:00Z",
  enc: "K",
  awsProfile: "",
}
const vault: WrappedKey = {
  kind: "hc_vault",
  vaultAddress: "http://v:8200",
  enginePath: "transit",
  keyName: "k",
  createdAt: "c",
  enc: "V",
}
const pgp: WrappedKey = { kind: "pgp", fp: "FP", createdAt: "c", enc: "P" }
const base: SealMetadata = {
  keyGroups: [[age]],
  shamirThreshold: 0,
  lastModified: "2024-01-01T00:00:00Z",
  mac: "ENC[x]",
  rule: null,
  macOnlyEncrypted: false,
  version: "3.13.2",
}

const kmsPlain = {
  arn: kms.arn,
  aws_profile: "",
  context: { alpha: "a", zeta: "z" },
  created_at: "2024-01-01T00:00:00Z",
  enc: "K",
  role: "arn:aws:iam::1:role/r",
}

describe("metadataToTree", () => {
  it("should write one group flat, keys byte-wise sorted, optional fields only when set", () => {
    const t = metadataToTree({ ...base, keyGroups: [[pgp, kms, age, vault]] })
    expect(keysOf(t)).toEqual(["age", "hc_vault", "kms", "lastmodified", "mac", "pgp", "version"])
    const p = plain(t) as Record<string, Plain>
    expect(p["age"]).toEqual([{ enc: "E", recipient: "age1r" }])
    // toEqual ignores key order; the JSON text does not.
    expect(JSON.stringify(p["kms"])).toBe(JSON.stringify([kmsPlain]))
    expect(p["hc_vault"]).toEqual([
      { created_at: "c", enc: "V", engine_path: "transit", key_name: "k", vault_address: "http://v:8200" },
    ])
    expect(p["pgp"]).toEqual([{ created_at: "c", enc: "P", fp: "FP" }])
  })

  it("should leave out an empty kms context and an empty role", () => {
    const bare: WrappedKey = { ...kms, context: {}, role: "" }
    const p = plain(metadataToTree({ ...base, keyGroups: [[bare]] })) as Record<string, Plain>
    expect(Object.keys((p["kms"] as Plain[])[0] as Record<string, Plain>)).toEqual([
      "arn",
      "aws_profile",
      "created_at",
      "enc",
    ])
  })

  it("should write mac_only_encrypted, shamir_threshold and the rule only when they are set", () => {
    const t = metadataToTree({
      ...base,
      macOnlyEncrypted: true,
      shamirThreshold: 2,
      rule: { kind: RuleKind.EncryptedRegex, value: "^data$" },
    })
    expect(plain(t)).toEqual({
      age: [{ enc: "E", recipient: "age1r" }],
      encrypted_regex: "^data$",
      lastmodified: "2024-01-01T00:00:00Z",
      mac: "ENC[x]",
      mac_only_encrypted: "true",
      shamir_threshold: "2",
      version: "3.13.2",
    })
    expect(keysOf(metadataToTree(base))).toEqual(["age", "lastmodified", "mac", "version"])
  })

  it("should write several groups under key_groups, each with age and hc_vault even when empty", () => {
    const t = metadataToTree({ ...base, keyGroups: [[kms], [age, pgp]], shamirThreshold: 2 })
    expect(plain(t)).toEqual({
      key_groups: [
        { age: [], hc_vault: [], kms: [kmsPlain] },
        {
          age: [{ enc: "E", recipient: "age1r" }],
          hc_vault: [],
          pgp: [{ created_at: "c", enc: "P", fp: "FP" }],
        },
      ],
      lastmodified: "2024-01-01T00:00:00Z",
      mac: "ENC[x]",
      shamir_threshold: "2",
      version: "3.13.2",
    })
  })
})

const block = (...entries: [string, TreeNode][]): MapNode => map(entries.map(([k, v]) => entry(k, v)))
const ageList = list([block(["recipient", str("age1r")], ["enc", str("E")])])
const fields = {
  age: ageList,
  lastmodified: str("2024-01-01T00:00:00Z"),
  mac: str("ENC[m]"),
  version: str("3.7.3"),
}
const read = (over: Record<string, TreeNode | undefined> = {}): SealMetadata => {
  const all = { ...fields, ...over }
  return metadataFromTree(
    block(
      ...Object.entries(all).flatMap(([k, v]): [string, TreeNode][] => (v === undefined ? [] : [[k, v]])),
    ),
    "f.yaml",
  )
}
const failure = (f: () => unknown): { code: string; message: string } => {
  try {
    f()
  } catch (err) {
    if (err instanceof BridgeError) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error("expected a BridgeError")
}

describe("metadataFromTree", () => {
  it("should read a flat block written by an older sops, in any key order", () => {
    const m = read()
    expect(m).toEqual({
      keyGroups: [[{ kind: "age", recipient: "age1r", enc: "E" }]],
      shamirThreshold: 0,
      lastModified: "2024-01-01T00:00:00Z",
      mac: "ENC[m]",
      rule: null,
      macOnlyEncrypted: false,
      version: "3.7.3",
    })
  })

  it("should read every key type with its fields, and keep unknown types verbatim", () => {
    const raw = block(["resource_id", str("projects/p")])
    const m = read({
      kms: list([
        block(
          ["arn", str("arn:k")],
          ["role", str("r")],
          ["context", block(["b", str("2")], ["a", str("1")])],
          ["created_at", str("t")],
          ["enc", str("K")],
          ["aws_profile", str("prof")],
        ),
        block(["arn", str("arn:k2")], ["enc", str("K2")], ["role", str("")]),
      ]),
      hc_vault: list([
        block(
          ["vault_address", str("http://v")],
          ["engine_path", str("transit")],
          ["key_name", str("k")],
          ["enc", str("V")],
        ),
      ]),
      pgp: list([block(["fp", str("FP")], ["enc", str("P")], ["created_at", str("c")])]),
      gcp_kms: list([raw]),
    })
    expect(m.keyGroups).toEqual([
      [
        { kind: "age", recipient: "age1r", enc: "E" },
        {
          kind: "kms",
          arn: "arn:k",
          role: "r",
          context: { b: "2", a: "1" },
          createdAt: "t",
          enc: "K",
          awsProfile: "prof",
        },
        { kind: "kms", arn: "arn:k2", createdAt: "", enc: "K2", awsProfile: "" },
        {
          kind: "hc_vault",
          vaultAddress: "http://v",
          enginePath: "transit",
          keyName: "k",
          createdAt: "",
          enc: "V",
        },
        { kind: "pgp", fp: "FP", createdAt: "c", enc: "P" },
        { kind: "gcp_kms", raw },
      ],
    ])
  })

  it("should read key_groups, the threshold, the rule and mac_only_encrypted", () => {
    const g = (recipient: string): MapNode =>
      block(["age", list([block(["recipient", str(recipient)], ["enc", str("E")])])])
    const m = read({
      age: undefined,
      key_groups: list([g("a1"), str("not a group"), g("a2")]),
      shamir_threshold: str("2"),
      unencrypted_regex: str("^x$"),
      mac_only_encrypted: str("True"),
    })
    expect(m.keyGroups.map((grp) => grp.map((k) => (k.kind === "age" ? k.recipient : "")))).toEqual([
      ["a1"],
      ["a2"],
    ])
    expect(m.shamirThreshold).toBe(2)
    expect(m.rule).toEqual({ kind: RuleKind.UnencryptedRegex, value: "^x$" })
    expect(m.macOnlyEncrypted).toBe(true)
  })

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["yes", false],
  ])("should read mac_only_encrypted %s as %s", (text, want) => {
    expect(read({ mac_only_encrypted: str(text) }).macOnlyEncrypted).toBe(want)
  })

  it("should skip null lists and non-map entries, and ignore an empty key_groups list", () => {
    const m = read({ kms: str(""), pgp: list([str("x")]), key_groups: list([]), unencrypted_suffix: str("") })
    expect(m.keyGroups).toEqual([[{ kind: "age", recipient: "age1r", enc: "E" }]])
    expect(m.rule).toBeNull()
  })

  it("should refuse a block that names no key (NO_KEY)", () => {
    expect(failure(() => read({ age: list([]) }))).toEqual({
      code: "NO_KEY",
      message: "f.yaml: no keys found in file",
    })
  })

  it.each([
    ["version", { version: undefined }, "f.yaml: sops metadata: version: missing or not a version number"],
    ["version", { version: str("v3") }, "f.yaml: sops metadata: version: missing or not a version number"],
    ["lastmodified", { lastmodified: undefined }, "f.yaml: sops metadata: lastmodified: missing"],
    [
      "rule",
      { encrypted_suffix: str("_s"), encrypted_regex: str("x") },
      "f.yaml: sops metadata holds more than one selection rule",
    ],
    [
      "age.recipient",
      { age: list([block(["enc", str("E")])]) },
      "f.yaml: sops metadata: keys.age[0].recipient: missing",
    ],
    [
      "key_groups age.enc",
      { age: undefined, key_groups: list([block(["age", list([block(["recipient", str("r")])])])]) },
      "f.yaml: sops metadata: key_groups[0].age[0].enc: missing",
    ],
  ])("should refuse a bad %s (FORMAT, naming the field)", (_what, over, message) => {
    expect(failure(() => read(over))).toEqual({ code: "FORMAT", message })
  })

  it("should accept a version with only major.minor", () => {
    expect(read({ version: str("3.0") }).version).toBe("3.0")
  })

  it("should read a missing mac as empty", () => {
    expect(read({ mac: undefined }).mac).toBe("")
  })
})
