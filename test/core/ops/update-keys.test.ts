import { describe, expect, it } from "vitest"
import type { CreationRule } from "../../../src/config/creation-rule.js"
import type { KeySpec } from "../../../src/config/key-spec.js"
import { BridgeError } from "../../../src/errors.js"
import type { KeyBackend, WrappedKey } from "../../../src/keys/backend.js"
import {
  formatPlan,
  planKeys,
  readSealed,
  rewrapDocument,
  specPrintId,
  type KeysPlan,
} from "../../../src/ops/update-keys.js"
import type { SealMetadata } from "../../../src/seal/metadata-types.js"
import { fakeBackend, fakeOpener, fakeSealDeps, openYamlWith, sealYamlWith } from "../../helpers/fake-keys.js"
import { bridgeErrorOf } from "../../helpers/error-of.js"

// updatekeys in-process (issue 8: mutation testing of src/ops; test/integration/updatekeys-interop
// runs it beside sops): the plan, sops' text for it, and the re-wrap that leaves values alone.

const deps = fakeSealDeps
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const PLAIN = "a: 1\nb: secret\n"

const pgpKey = (fp: string): WrappedKey => ({ kind: "pgp", fp, createdAt: "2026-01-01T00:00:00Z", enc: "x" })
const meta = (groups: string[][], shamirThreshold = 0): SealMetadata => ({
  keyGroups: groups.map((g) => g.map(pgpKey)),
  shamirThreshold,
  lastModified: "2026-01-01T00:00:00Z",
  mac: "",
  rule: null,
  macOnlyEncrypted: false,
  version: "3.13.2",
})
const pgp = (fingerprint: string): KeySpec => ({ kind: "pgp", fingerprint })
const rule = (groups: string[][], shamirThreshold = 0): CreationRule => ({
  keyGroups: groups.map((g) => g.map(pgp)),
  shamirThreshold,
  rule: null,
  macOnlyEncrypted: false,
})

describe("specPrintId", () => {
  it("should print each key type by the id sops prints (KMS by ARN alone)", () => {
    expect(
      [
        { kind: "age", recipient: "age1r" },
        { kind: "kms", arn: "arn:aws:kms:x", role: "arn:aws:iam::1:role/r", context: { a: "b" } },
        { kind: "hc_vault", uri: "https://v/v1/transit/keys/k" },
        { kind: "pgp", fingerprint: "FP" },
        { kind: "gcp_kms", resourceId: "projects/p" },
        { kind: "azure_kv", url: "https://kv/keys/k/v" },
      ].map((s) => specPrintId(s as KeySpec)),
    ).toEqual([
      "age1r",
      "arn:aws:kms:x",
      "https://v/v1/transit/keys/k",
      "FP",
      "projects/p",
      "https://kv/keys/k/v",
    ])
  })
})

describe("planKeys", () => {
  it("should diff each group by printed id: common and added in the rule's order, removed in the file's", () => {
    const plan = planKeys(meta([["A", "B", "C"]]), rule([["D", "C", "A"]]))
    expect(plan).toEqual({
      diffs: [{ common: ["C", "A"], added: ["D"], removed: ["B"] }],
      oldThreshold: 0,
      newThreshold: 0,
      changes: true,
    })
  })

  it("should see no change when the file has the rule's keys in any order", () => {
    expect(planKeys(meta([["A", "B"]]), rule([["B", "A"]]))).toEqual({
      diffs: [{ common: ["B", "A"], added: [], removed: [] }],
      oldThreshold: 0,
      newThreshold: 0,
      changes: false,
    })
  })

  it("should see a change when one group of several only gains or only loses a key", () => {
    const m = meta([["A"], ["B"]], 2)
    expect(planKeys(m, rule([["A"], ["B", "C"]]))).toMatchObject({ newThreshold: 2, changes: true })
    expect(planKeys(meta([["A"], ["B", "C"]], 2), rule([["A"], ["B"]]))).toMatchObject({
      newThreshold: 2,
      changes: true,
    })
    expect(planKeys(m, rule([["A"], ["B"]]))).toMatchObject({ changes: false })
  })

  it("should diff groups the rule adds and groups it drops", () => {
    expect(planKeys(meta([["A"]]), rule([["A"], ["B"]])).diffs).toEqual([
      { common: ["A"], added: [], removed: [] },
      { common: [], added: ["B"], removed: [] },
    ])
    const dropped = planKeys(meta([["A"], ["B"]], 2), rule([["A"]]))
    expect(dropped.diffs).toEqual([
      { common: ["A"], added: [], removed: [] },
      { common: [], added: [], removed: ["B"] },
    ])
    // The file's threshold 2, capped at the rule's one group.
    expect([dropped.oldThreshold, dropped.newThreshold, dropped.changes]).toEqual([2, 1, true])
  })

  it("should take the threshold from the flag, else the file, capped at the rule's group count", () => {
    const m = meta([["A"], ["B"], ["C"]], 2)
    const r = rule([["A"], ["B"], ["C"]])
    expect(planKeys(m, r)).toMatchObject({ oldThreshold: 2, newThreshold: 2, changes: false })
    expect(planKeys(m, r, 3)).toMatchObject({ oldThreshold: 2, newThreshold: 3, changes: true })
    expect(planKeys(m, r, 5)).toMatchObject({ newThreshold: 3, changes: true })
    expect(planKeys(m, r, 2)).toMatchObject({ newThreshold: 2, changes: false })
    // The rule's own threshold is not used: sops keeps the file's.
    expect(planKeys(m, rule([["A"], ["B"], ["C"]], 3))).toMatchObject({ newThreshold: 2, changes: false })
  })
})

const plan = (o: number, n: number, diffs: KeysPlan["diffs"] = []): KeysPlan => ({
  diffs,
  oldThreshold: o,
  newThreshold: n,
  changes: true,
})
const HEAD = "The following changes will be made to the file's groups:\n"

describe("formatPlan", () => {
  it("should print sops' Shamir line: same, added, removed, changed or none", () => {
    expect(formatPlan(plan(2, 2))).toBe(`${HEAD}shamir_threshold: 2\n`)
    expect(formatPlan(plan(0, 2))).toBe(`${HEAD}+++ shamir_threshold: 2\n`)
    expect(formatPlan(plan(2, 0))).toBe(`${HEAD}--- shamir_threshold: 2\n`)
    expect(formatPlan(plan(2, 3))).toBe(`${HEAD}+++ shamir_threshold: 3\n--- shamir_threshold: 2\n`)
    expect(formatPlan(plan(0, 0))).toBe(HEAD)
  })

  it("should print every group with common, added and removed keys", () => {
    const diffs = [
      { common: ["A", "B"], added: ["C"], removed: ["D", "E"] },
      { common: [], added: ["F"], removed: [] },
    ]
    expect(formatPlan(plan(0, 0, diffs))).toBe(
      `${HEAD}Group 1\n    A\n    B\n+++ C\n--- D\n--- E\nGroup 2\n+++ F\n`,
    )
  })
})

const sealedWith = (backends: KeyBackend[][], threshold = 0): Promise<Uint8Array> =>
  sealYamlWith(PLAIN, backends, threshold)
const openWith = openYamlWith
const valuesAndMac = (text: string): string[] =>
  text.split("\n").filter((l) => /^(a|b): |^\s+mac: |^\s+lastmodified: /.test(l))

describe("readSealed", () => {
  it("should refuse a plain file with decrypt's hint", () => {
    expect(bridgeErrorOf(() => readSealed(enc(PLAIN), "f.yaml", "yaml"))).toMatchObject({
      code: "NOT_SEALED",
      message: "f.yaml: sops metadata not found",
      hint: "the file is not sealed (or not in the format its extension says: try --input-type)",
    })
  })

  it("should return the branches and metadata of a sealed file", async () => {
    const r = readSealed(await sealedWith([[fakeBackend("pgp", "A")]]), "f.yaml", "yaml")
    expect(r.branches).toHaveLength(1)
    expect(r.metadata.keyGroups).toEqual([[expect.objectContaining({ kind: "pgp", fp: "A" })]])
  })
})

describe("rewrapDocument", () => {
  it("should wrap the same data key for the new keys and leave values, MAC and lastmodified alone", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const opener = fakeOpener("pgp", ["OLD"])
    const out = await rewrapDocument({
      input,
      source: "f.yaml",
      format: "yaml",
      openers: [opener],
      keyGroups: [[fakeBackend("pgp", "NEW")]],
      shamirThreshold: 0,
      randomBytes: deps.randomBytes,
    })
    const text = dec(out)
    expect(valuesAndMac(text)).toEqual(valuesAndMac(dec(input)))
    expect(valuesAndMac(text)).toHaveLength(4)
    expect(text).toContain("fp: NEW")
    expect(text).not.toContain("fp: OLD")
    expect(await openWith(out, ["NEW"])).toBe(PLAIN)
    await expect(openWith(out, ["OLD"])).rejects.toMatchObject({ code: "NO_KEY" })
    expect(opener.handed).toHaveLength(1)
    expect(opener.handed[0]?.every((b) => b === 0)).toBe(true)
  })

  it("should split the data key into Shamir shares for several groups with the threshold", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const out = await rewrapDocument({
      input,
      source: "f.yaml",
      format: "yaml",
      openers: [fakeOpener("pgp", ["OLD"])],
      keyGroups: [[fakeBackend("pgp", "A")], [fakeBackend("pgp", "B")], [fakeBackend("pgp", "C")]],
      shamirThreshold: 2,
      randomBytes: deps.randomBytes,
    })
    expect(dec(out)).toContain("shamir_threshold: 2")
    expect(await openWith(out, ["A", "C"])).toBe(PLAIN)
    await expect(openWith(out, ["B"])).rejects.toMatchObject({ code: "NO_KEY" })
  })

  it("should try keys in the given decryption order", async () => {
    const input = await sealedWith([[fakeBackend("age", "age1x"), fakeBackend("pgp", "OLD")]])
    const age = fakeOpener("age", ["age1x"])
    const gpg = fakeOpener("pgp", ["OLD"])
    const req = {
      input,
      source: "f.yaml",
      format: "yaml" as const,
      keyGroups: [[fakeBackend("pgp", "NEW")]],
      shamirThreshold: 0,
      randomBytes: deps.randomBytes,
    }
    await rewrapDocument({ ...req, openers: [age, gpg] })
    expect([age.calls.length, gpg.calls.length]).toEqual([1, 0])
    const age2 = fakeOpener("age", ["age1x"])
    const gpg2 = fakeOpener("pgp", ["OLD"])
    await rewrapDocument({ ...req, openers: [age2, gpg2], decryptionOrder: ["pgp"] })
    expect([age2.calls.length, gpg2.calls.length]).toEqual([0, 1])
  })

  it("should fail with NO_KEY when no current key opens, and wipe the data key when a new key refuses", async () => {
    const input = await sealedWith([[fakeBackend("pgp", "OLD")]])
    const base = {
      input,
      source: "f.yaml",
      format: "yaml" as const,
      shamirThreshold: 0,
      randomBytes: deps.randomBytes,
    }
    await expect(
      rewrapDocument({ ...base, openers: [fakeOpener("pgp", [])], keyGroups: [[fakeBackend("pgp", "N")]] }),
    ).rejects.toMatchObject({ code: "NO_KEY" })
    const opener = fakeOpener("pgp", ["OLD"])
    const err = await rewrapDocument({
      ...base,
      openers: [opener],
      keyGroups: [[fakeBackend("pgp", "N", new Error("refused"))]],
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BridgeError)
    expect(opener.handed[0]?.every((b) => b === 0)).toBe(true)
  })
})
