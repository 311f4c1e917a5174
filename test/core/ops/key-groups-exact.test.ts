import { describe, expect, it } from "vitest"
import { formats } from "../../../src/formats/registry.js"
import type { CallOptions, KeyBackend, KeyOpener, WrappedKey } from "../../../src/keys/backend.js"
import { addKeyGroup, deleteKeyGroup, type GroupsRequest } from "../../../src/ops/key-groups.js"
import { metadataFromTree } from "../../../src/seal/metadata.js"
import type { SealMetadata } from "../../../src/seal/metadata-types.js"
import { fakeBackend, fakeOpener, fakeSealDeps, openYamlWith, sealYamlWith } from "../../helpers/fake-keys.js"
import { rejectionOf } from "../../helpers/error-of.js"

// `groups add` / `groups delete` in-process (issue 8, mutation testing of src/ops): which groups
// the file ends with, its Shamir threshold (flag, file, or all groups), sops' messages for every
// refusal, the data key zeroed after use, and values, MAC and lastmodified left alone.

const PLAIN = "a: 1\nb: secret\n"
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

const metaOf = (out: Uint8Array): SealMetadata => {
  const sealed = formats.yaml.parseSealed(out, "out.yaml")
  if (sealed.metadata === null) throw new Error("no metadata")
  return metadataFromTree(sealed.metadata, "out.yaml")
}
const fps = (m: SealMetadata): string[][] =>
  m.keyGroups.map((g) => g.map((k) => (k.kind === "pgp" ? k.fp : "?")))
const valuesAndMac = (text: string): string[] =>
  text.split("\n").filter((l) => /^(a|b): |^\s+mac: |^\s+lastmodified: /.test(l))

/** The encrypt-side backend for a key already in the file: a fake pgp key of the same id. */
const rebuild = (w: WrappedKey): KeyBackend => fakeBackend("pgp", w.kind === "pgp" ? w.fp : "?")

const request = (
  input: Uint8Array,
  openers: KeyOpener[],
  extra: Partial<GroupsRequest> = {},
): GroupsRequest => ({
  input,
  source: "f.yaml",
  format: "yaml",
  openers,
  backendFor: rebuild,
  threshold: 0,
  randomBytes: fakeSealDeps.randomBytes,
  ...extra,
})

const groupsOf = (...ids: string[][]): KeyBackend[][] => ids.map((g) => g.map((id) => fakeBackend("pgp", id)))

describe("addKeyGroup", () => {
  it("should append the group after the file's and keep values, MAC and lastmodified", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const opener = fakeOpener("pgp", ["A"])
    const out = await addKeyGroup(request(input, [opener]), [
      fakeBackend("pgp", "B"),
      fakeBackend("pgp", "C"),
    ])
    const m = metaOf(out)
    expect(fps(m)).toEqual([["A"], ["B", "C"]])
    // Two groups and no threshold anywhere: all groups are needed.
    expect(m.shamirThreshold).toBe(2)
    expect(valuesAndMac(dec(out))).toEqual(valuesAndMac(dec(input)))
    expect(valuesAndMac(dec(out))).toHaveLength(4)
    expect(await openYamlWith(out, ["A", "C"])).toBe(PLAIN)
    await expect(openYamlWith(out, ["A"])).rejects.toMatchObject({ code: "NO_KEY" })
    await expect(openYamlWith(out, ["B", "C"])).rejects.toMatchObject({ code: "NO_KEY" })
    // The data key the opener handed out is zeroed.
    expect(opener.handed).toHaveLength(1)
    expect(opener.handed[0]?.every((b) => b === 0)).toBe(true)
  })

  it("should keep the file's threshold, or take the flag's", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"], ["B"], ["C"]), 2)
    const kept = await addKeyGroup(request(input, [fakeOpener("pgp", ["A", "B"])]), [fakeBackend("pgp", "D")])
    expect(fps(metaOf(kept))).toEqual([["A"], ["B"], ["C"], ["D"]])
    expect(metaOf(kept).shamirThreshold).toBe(2)
    expect(await openYamlWith(kept, ["C", "D"])).toBe(PLAIN)
    const flag = await addKeyGroup(request(input, [fakeOpener("pgp", ["A", "C"])], { threshold: 4 }), [
      fakeBackend("pgp", "D"),
    ])
    expect(metaOf(flag).shamirThreshold).toBe(4)
    await expect(openYamlWith(flag, ["A", "B", "C"])).rejects.toMatchObject({ code: "NO_KEY" })
    expect(await openYamlWith(flag, ["A", "B", "C", "D"])).toBe(PLAIN)
  })

  it("should hand the flag's threshold when it equals the group count", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const out = await addKeyGroup(request(input, [fakeOpener("pgp", ["A"])], { threshold: 2 }), [
      fakeBackend("pgp", "B"),
    ])
    expect(metaOf(out).shamirThreshold).toBe(2)
  })

  it("should refuse a threshold above the group count, naming the file", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const opener = fakeOpener("pgp", ["A"])
    const err = await rejectionOf(
      addKeyGroup(request(input, [opener], { threshold: 3 }), [fakeBackend("pgp", "B")]),
    )
    expect([err.code, err.message]).toEqual([
      "USAGE",
      "f.yaml: shamir threshold 3 is more than the 2 key groups the file would have",
    ])
    expect(opener.handed[0]?.every((b) => b === 0)).toBe(true)
  })

  it("should refuse a threshold of 1 for several groups, with the hint", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const err = await rejectionOf(
      addKeyGroup(request(input, [fakeOpener("pgp", ["A"])], { threshold: 1 }), [fakeBackend("pgp", "B")]),
    )
    expect([err.code, err.message, err.hint]).toEqual([
      "USAGE",
      "shamir threshold 1 is too small for 2 key groups: it must be at least 2",
      "pass --shamir-secret-sharing-threshold N with 2 <= N <= the number of groups",
    ])
  })

  it("should refuse an empty group with sops' message", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const err = await rejectionOf(addKeyGroup(request(input, [fakeOpener("pgp", ["A"])]), []))
    expect([err.code, err.message]).toEqual([
      "KEY_WRAP",
      "Could not generate data key: [empty key group provided]",
    ])
  })

  it("should rebuild the file's keys with backendFor and call every key with the call options", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A", "B"]))
    const seen: string[] = []
    const built: ReturnType<typeof fakeBackend>[] = []
    const call: CallOptions = { timeoutMs: 1234 }
    const opener = fakeOpener("pgp", ["B"])
    const added = fakeBackend("pgp", "N")
    await addKeyGroup(
      request(input, [opener], {
        call,
        backendFor: (w) => {
          seen.push(w.kind === "pgp" ? w.fp : "?")
          const b = fakeBackend("pgp", w.kind === "pgp" ? w.fp : "?")
          built.push(b)
          return b
        },
      }),
      [added],
    )
    expect(seen).toEqual(["A", "B"])
    const timeouts = (b: ReturnType<typeof fakeBackend>): unknown[] => b.wraps.map((o) => o?.timeoutMs)
    expect(built.map(timeouts)).toEqual([[1234], [1234]])
    expect(timeouts(added)).toEqual([1234])
    // The opener got the call's timeout (and no source, which is not a call option).
    expect(opener.calls.map((c) => [c.id, c.opts?.timeoutMs])).toEqual([
      ["A", 1234],
      ["B", 1234],
    ])
  })

  it("should try keys in the decryption order", async () => {
    const input = await sealYamlWith(PLAIN, [[fakeBackend("age", "age1x"), fakeBackend("pgp", "A")]])
    const age = fakeOpener("age", ["age1x"])
    const gpg = fakeOpener("pgp", ["A"])
    const both = {
      backendFor: (w: WrappedKey): KeyBackend => fakeBackend(w.kind === "age" ? "age" : "pgp", "x"),
    }
    await addKeyGroup(request(input, [age, gpg], both), [fakeBackend("pgp", "N")])
    expect([age.calls.length, gpg.calls.length]).toEqual([1, 0])
    const age2 = fakeOpener("age", ["age1x"])
    const gpg2 = fakeOpener("pgp", ["A"])
    await addKeyGroup(request(input, [age2, gpg2], { ...both, decryptionOrder: ["pgp"] }), [
      fakeBackend("pgp", "N"),
    ])
    expect([age2.calls.length, gpg2.calls.length]).toEqual([0, 1])
  })

  it("should report no opening key as DATA_KEY with the attempts, the file name and the hint", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const err = await rejectionOf(
      addKeyGroup(request(input, [fakeOpener("pgp", [])]), [fakeBackend("pgp", "B")]),
    )
    expect(err.code).toBe("DATA_KEY")
    expect(err.message).toBe(
      "error getting data key: f.yaml: failed to get the data key required to decrypt the file\n" +
        "  pgp A: no credentials (no matching identity)",
    )
    expect(err.hint).toBe(
      "make a credential for one of these keys available (age: SOPS_AGE_KEY_FILE or ~/.config/sops/age/keys.txt; --debug shows causes)",
    )
    expect(err.cause).toMatchObject({ name: "NoKeyError", code: "NO_KEY" })
  })

  it("should let any other error from opening the key through unchanged", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"], ["B"]), 2)
    // Both groups hand the same share: combining fails with shamir's own error.
    const same: KeyOpener = { kind: "pgp", unwrap: () => Promise.resolve(new Uint8Array([7, 7, 7, 1])) }
    const err = await rejectionOf(addKeyGroup(request(input, [same]), [fakeBackend("pgp", "C")]))
    expect(err.name).toBe("BridgeError")
    expect([err.code, err.message]).toEqual(["NO_KEY", "shamir: duplicate share"])
  })

  it("should refuse a plain file with the groups hint", async () => {
    const err = await rejectionOf(addKeyGroup(request(enc(PLAIN), []), [fakeBackend("pgp", "B")]))
    expect([err.code, err.message, err.hint]).toEqual([
      "NOT_SEALED",
      "f.yaml: sops metadata not found",
      "groups works on sealed files; seal it first with sealbridge encrypt",
    ])
  })

  it("should write the file in its own format", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const out = dec(await addKeyGroup(request(input, [fakeOpener("pgp", ["A"])]), [fakeBackend("pgp", "B")]))
    expect(out.startsWith("a: ENC[AES256_GCM,data:")).toBe(true)
    expect(out).toContain("\nsops:\n    key_groups:\n")
    expect(out).toContain("\n    shamir_threshold: 2\n")
  })
})

describe("deleteKeyGroup", () => {
  it("should drop the group at the index (from 0) and keep the others in order", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"], ["B"], ["C"]), 2)
    const opener = fakeOpener("pgp", ["A", "B"])
    const out = await deleteKeyGroup(request(input, [opener]), 1)
    expect(fps(metaOf(out))).toEqual([["A"], ["C"]])
    expect(metaOf(out).shamirThreshold).toBe(2)
    expect(valuesAndMac(dec(out))).toEqual(valuesAndMac(dec(input)))
    expect(await openYamlWith(out, ["A", "C"])).toBe(PLAIN)
    expect(opener.handed.every((s) => s.every((b) => b === 0))).toBe(true)
    const first = await deleteKeyGroup(request(input, [fakeOpener("pgp", ["A", "B"])]), 0)
    expect(fps(metaOf(first))).toEqual([["B"], ["C"]])
    const last = await deleteKeyGroup(request(input, [fakeOpener("pgp", ["A", "B"])]), 2)
    expect(fps(metaOf(last))).toEqual([["A"], ["B"]])
  })

  it("should go down to one group with no threshold once two are left", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"], ["B"]))
    const out = await deleteKeyGroup(request(input, [fakeOpener("pgp", ["A", "B"])]), 0)
    const m = metaOf(out)
    expect(fps(m)).toEqual([["B"]])
    // The file had none written (0): one group keeps 0, so no shamir_threshold line.
    expect(m.shamirThreshold).toBe(0)
    expect(dec(out)).not.toContain("shamir_threshold")
    expect(dec(out)).not.toContain("key_groups")
    expect(await openYamlWith(out, ["B"])).toBe(PLAIN)
  })

  it("should refuse an index past the last group", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"], ["B"]), 2)
    const opener = fakeOpener("pgp", ["A", "B"])
    const err = await rejectionOf(deleteKeyGroup(request(input, [opener]), 2))
    expect([err.code, err.message]).toEqual([
      "GROUP_INDEX",
      "f.yaml: key group 2 does not exist (the file has 2, numbered from 0)",
    ])
    expect(opener.handed.length).toBeGreaterThan(0)
    expect(opener.handed.every((s) => s.every((b) => b === 0))).toBe(true)
  })

  it("should refuse to remove the only group, with the hint", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const err = await rejectionOf(deleteKeyGroup(request(input, [fakeOpener("pgp", ["A"])]), 0))
    expect([err.code, err.message, err.hint]).toEqual([
      "CONFIG",
      "f.yaml: removing key group 0 would leave the file with no key group",
      "add the new group first (groups add), then delete the old one",
    ])
  })

  it("should refuse with sops' words when the threshold could no longer be met", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"], ["B"], ["C"]), 3)
    const err = await rejectionOf(deleteKeyGroup(request(input, [fakeOpener("pgp", ["A", "B", "C"])]), 0))
    expect([err.code, err.message]).toEqual([
      "USAGE",
      "removing this key group will make the Shamir threshold impossible to satisfy: Shamir threshold is 3, but we only have 2 key groups",
    ])
  })

  it("should take a lower threshold from the flag", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"], ["B"], ["C"]), 3)
    const out = await deleteKeyGroup(
      request(input, [fakeOpener("pgp", ["A", "B", "C"])], { threshold: 2 }),
      0,
    )
    expect(fps(metaOf(out))).toEqual([["B"], ["C"]])
    expect(metaOf(out).shamirThreshold).toBe(2)
  })

  it("should get the data key before it looks at the index", async () => {
    const input = await sealYamlWith(PLAIN, groupsOf(["A"]))
    const err = await rejectionOf(deleteKeyGroup(request(input, [fakeOpener("pgp", [])]), 5))
    expect(err.code).toBe("DATA_KEY")
  })
})
