import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import type { FormatName } from "../../../src/formats/format.js"
import { formats } from "../../../src/formats/registry.js"
import type { KeyBackend, WrappedKey } from "../../../src/keys/backend.js"
import { EDIT_EXAMPLES } from "../../../src/ops/edit-example.js"
import { resealDocument, type ResealRequest } from "../../../src/ops/reseal-document.js"
import { rotateDocument, type RotateRequest } from "../../../src/ops/rotate-document.js"
import { metadataFromTree } from "../../../src/seal/metadata.js"
import type { SealMetadata, SelectionRule } from "../../../src/seal/metadata-types.js"
import { bool, entry, float, list, map, str, type Branch } from "../../../src/tree/node.js"
import {
  fakeBackend,
  fakeOpener,
  fakeSealDeps,
  openYamlWith,
  sealWith,
  type SealOptions,
} from "../../helpers/fake-keys.js"
import { rejectionOf } from "../../helpers/error-of.js"

// set/unset/edit's re-seal and rotate in-process (issue 8, mutation testing of src/ops): what
// each keeps (data key and IVs, or rule, threshold and settings), what it changes, the options it
// hands on, the data key zeroed, and the exact refusals; and `edit`'s example text per format.

const dec = (b: Uint8Array): string => new TextDecoder().decode(b)
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const PLAIN = "a: one\nb: two\nc:\n    d: three\n"

const seal = (text: string, groups: KeyBackend[][], o: SealOptions = {}): Promise<Uint8Array> =>
  sealWith(text, groups, { source: "in", ...o })
const pgp = (...ids: string[]): KeyBackend[] => ids.map((id) => fakeBackend("pgp", id))

const metaOf = (out: Uint8Array, format: FormatName = "yaml"): SealMetadata => {
  const sealed = formats[format].parseSealed(out, "out")
  if (sealed.metadata === null) throw new Error("no metadata")
  return metadataFromTree(sealed.metadata, "out")
}
const ids = (m: SealMetadata): string[][] =>
  m.keyGroups.map((g) => g.map((k) => (k.kind === "pgp" ? k.fp : k.kind === "age" ? k.recipient : "?")))
const line = (text: string, name: string): string =>
  text.split("\n").find((l) => l.startsWith(`${name}:`)) ?? `no ${name}`

/** Sets `b` to "changed" in the first branch. */
const setB = (branches: Branch[]): Branch[] => {
  const [first, ...rest] = branches
  if (first === undefined) return branches
  const items = first.items.map((it) =>
    it.kind === "entry" && it.key === "b" ? entry("b", str("changed")) : it,
  )
  return [map(items), ...rest]
}

const reseal = (
  req: Partial<ResealRequest> & Pick<ResealRequest, "input" | "openers">,
  change: (b: Branch[]) => Branch[] | null = setB,
) => resealDocument({ source: "f.yaml", format: "yaml", ...req }, change, fakeSealDeps)

describe("resealDocument", () => {
  it("should seal the change with the same data key and keys, keeping unchanged ciphertext", async () => {
    const input = await seal(PLAIN, [pgp("A")])
    const opener = fakeOpener("pgp", ["A"])
    const out = await reseal({ input, openers: [opener] })
    if (out === null) throw new Error("null")
    const before = dec(input)
    const after = dec(out)
    expect(line(after, "a")).toBe(line(before, "a"))
    expect(line(after, "b")).not.toBe(line(before, "b"))
    expect(after.split("\n").find((l) => l.includes("d: ENC"))).toBe(
      before.split("\n").find((l) => l.includes("d: ENC")),
    )
    // The same wrapped key: the data key did not change.
    expect(metaOf(out).keyGroups).toEqual(metaOf(input).keyGroups)
    expect(await openYamlWith(out, ["A"])).toBe("a: one\nb: changed\nc:\n    d: three\n")
    expect(opener.handed).toHaveLength(1)
    expect(opener.handed[0]?.every((x) => x === 0)).toBe(true)
  })

  it("should return null and write nothing when the change has nothing to do, zeroing the key", async () => {
    const input = await seal(PLAIN, [pgp("A")])
    const opener = fakeOpener("pgp", ["A"])
    let seen: Branch[] = []
    const out = await reseal({ input, openers: [opener] }, (b) => {
      seen = b
      return null
    })
    expect(out).toBeNull()
    expect(formats.yaml.emit(seen)).toEqual(enc(PLAIN))
    expect(opener.handed[0]?.every((x) => x === 0)).toBe(true)
  })

  it("should zero the key when the change throws, and let the error through", async () => {
    const input = await seal(PLAIN, [pgp("A")])
    const opener = fakeOpener("pgp", ["A"])
    const boom = new BridgeError("EXTRACT_MISSING", "component ['x'] not found")
    const err = await rejectionOf(
      reseal({ input, openers: [opener] }, () => {
        throw boom
      }),
    )
    expect(err).toBe(boom)
    expect(opener.handed[0]?.every((x) => x === 0)).toBe(true)
  })

  it("should refuse a plain file with set/unset/edit's hint", async () => {
    const err = await rejectionOf(reseal({ input: enc(PLAIN), openers: [] }))
    expect([err.code, err.message, err.hint]).toEqual([
      "NOT_SEALED",
      "f.yaml: sops metadata not found",
      "set/unset/edit work on sealed files; seal it first with sealbridge encrypt",
    ])
  })

  it("should name the file when no key opens it", async () => {
    const input = await seal(PLAIN, [pgp("A")])
    const err = await rejectionOf(reseal({ input, openers: [fakeOpener("pgp", [])] }))
    expect([err.code, err.message]).toEqual([
      "NO_KEY",
      "f.yaml: failed to get the data key required to decrypt the file\n  pgp A: no credentials (no matching identity)",
    ])
  })

  it("should check the MAC unless told to ignore it", async () => {
    const text = "a: one\nb: two\nx_unencrypted: plain\n"
    const input = dec(await seal(text, [pgp("A")]))
    // A value the MAC covers but nothing seals, changed: the MAC no longer matches.
    const tampered = enc(input.replace("x_unencrypted: plain", "x_unencrypted: other"))
    const err = await rejectionOf(reseal({ input: tampered, openers: [fakeOpener("pgp", ["A"])] }))
    expect(err.code).toBe("MAC_MISMATCH")
    const off = await rejectionOf(
      reseal({ input: tampered, openers: [fakeOpener("pgp", ["A"])], ignoreMac: false }),
    )
    expect(off.code).toBe("MAC_MISMATCH")
    const out = await reseal({ input: tampered, openers: [fakeOpener("pgp", ["A"])], ignoreMac: true })
    if (out === null) throw new Error("null")
    expect(await openYamlWith(out, ["A"])).toBe("a: one\nb: changed\nx_unencrypted: other\n")
  })

  it("should try keys in the decryption order and hand the call options to the opener", async () => {
    const input = await seal(PLAIN, [[fakeBackend("age", "age1x"), fakeBackend("pgp", "A")]])
    const age = fakeOpener("age", ["age1x"])
    const gpg = fakeOpener("pgp", ["A"])
    await reseal({ input, openers: [age, gpg], call: { timeoutMs: 4321 } })
    expect([age.calls.length, gpg.calls.length]).toEqual([1, 0])
    expect(age.calls[0]?.opts?.timeoutMs).toBe(4321)
    const age2 = fakeOpener("age", ["age1x"])
    const gpg2 = fakeOpener("pgp", ["A"])
    await reseal({ input, openers: [age2, gpg2], decryptionOrder: ["pgp"] })
    expect([age2.calls.length, gpg2.calls.length]).toEqual([0, 1])
  })

  it("should keep the rule, threshold and mac_only_encrypted, and store no rule when the file has none", async () => {
    const rule: SelectionRule = { kind: "encrypted_regex", value: "^(a|b)$" }
    const input = await seal(PLAIN, [pgp("A"), pgp("B")], { threshold: 2, rule, macOnly: true })
    const out = await reseal({ input, openers: [fakeOpener("pgp", ["A", "B"])] })
    if (out === null) throw new Error("null")
    const m = metaOf(out)
    expect([m.rule, m.shamirThreshold, m.macOnlyEncrypted]).toEqual([rule, 2, true])
    expect(dec(out)).toContain("    d: three\n")
    expect(await openYamlWith(out, ["A", "B"])).toBe("a: one\nb: changed\nc:\n    d: three\n")

    const plain = dec(await seal(PLAIN, [pgp("A")]))
    expect(plain).toContain("    unencrypted_suffix: _unencrypted\n")
    const bare = enc(plain.replace("    unencrypted_suffix: _unencrypted\n", ""))
    const again = await reseal({ input: bare, openers: [fakeOpener("pgp", ["A"])] })
    if (again === null) throw new Error("null")
    expect(metaOf(again).rule).toBeNull()
    expect(dec(again)).not.toContain("unencrypted_suffix")
    expect([metaOf(again).shamirThreshold, metaOf(again).macOnlyEncrypted]).toEqual([0, false])
  })

  it("should store no rule for a binary file, even one whose metadata names one", async () => {
    const input = dec(await seal("raw bytes\n", [pgp("A")], { format: "binary" }))
    expect(input).not.toContain("unencrypted_suffix")
    const withRule = enc(input.replace('"sops": {', '"sops": {\n\t\t"unencrypted_suffix": "_unencrypted",'))
    expect(metaOf(withRule, "binary").rule).toEqual({ kind: "unencrypted_suffix", value: "_unencrypted" })
    const out = await resealDocument(
      { input: withRule, source: "f.bin", format: "binary", openers: [fakeOpener("pgp", ["A"])] },
      (b) => b,
      fakeSealDeps,
    )
    if (out === null) throw new Error("null")
    expect(metaOf(out, "binary").rule).toBeNull()
    expect(dec(out)).not.toContain("unencrypted_suffix")
  })

  it("should write the output format and the emit options", async () => {
    const input = await seal(PLAIN, [pgp("A")])
    const json = await reseal({ input, openers: [fakeOpener("pgp", ["A"])], outputFormat: "json" })
    if (json === null) throw new Error("null")
    expect(dec(json).startsWith('{\n\t"a": "ENC[AES256_GCM,data:')).toBe(true)
    expect(metaOf(json, "json").keyGroups).toEqual(metaOf(input).keyGroups)
    const two = await reseal({ input, openers: [fakeOpener("pgp", ["A"])], emit: { indent: 2 } })
    if (two === null) throw new Error("null")
    expect(dec(two)).toContain("\nc:\n  d: ENC[")
  })
})

const rebuild = (w: WrappedKey): KeyBackend =>
  w.kind === "age" ? fakeBackend("age", w.recipient) : fakeBackend("pgp", w.kind === "pgp" ? w.fp : "?")
const rotate = (
  req: Partial<RotateRequest> & Pick<RotateRequest, "input" | "openers">,
): Promise<Uint8Array> =>
  rotateDocument(
    { source: "f.yaml", format: "yaml", backendFor: rebuild, add: [], remove: [], ...req },
    fakeSealDeps,
  )

describe("rotateDocument", () => {
  it("should seal every value under a new data key for the same keys, zeroing the old key", async () => {
    const input = await seal(PLAIN, [pgp("A", "B")])
    const opener = fakeOpener("pgp", ["A"])
    const out = await rotate({ input, openers: [opener] })
    for (const name of ["a", "b"]) expect(line(dec(out), name)).not.toBe(line(dec(input), name))
    const m = metaOf(out)
    expect(ids(m)).toEqual([["A", "B"]])
    expect(m.keyGroups[0]?.[0]).not.toEqual(metaOf(input).keyGroups[0]?.[0])
    expect(await openYamlWith(out, ["B"])).toBe(PLAIN)
    expect(opener.handed[0]?.every((x) => x === 0)).toBe(true)
  })

  it("should add keys to the first group and remove keys by id from every group", async () => {
    const input = await seal(PLAIN, [pgp("A", "X"), pgp("B", "X")], { threshold: 2 })
    const out = await rotate({
      input,
      openers: [fakeOpener("pgp", ["A", "B"])],
      add: pgp("N", "M"),
      remove: ["X", "nothing"],
    })
    const m = metaOf(out)
    expect(ids(m)).toEqual([["A", "N", "M"], ["B"]])
    expect(m.shamirThreshold).toBe(2)
    expect(await openYamlWith(out, ["M", "B"])).toBe(PLAIN)
  })

  it("should refuse to leave no master key, naming the file", async () => {
    const input = await seal(PLAIN, [pgp("A"), pgp("B")], { threshold: 2 })
    const err = await rejectionOf(
      rotate({ input, openers: [fakeOpener("pgp", ["A", "B"])], remove: ["A", "B"] }),
    )
    expect([err.code, err.message]).toEqual([
      "CONFIG",
      "f.yaml: rotating would leave the file with no master key",
    ])
  })

  it("should leave an emptied group to the wrap, which refuses it", async () => {
    const input = await seal(PLAIN, [pgp("A"), pgp("B")], { threshold: 2 })
    const err = await rejectionOf(rotate({ input, openers: [fakeOpener("pgp", ["A", "B"])], remove: ["B"] }))
    expect([err.code, err.message]).toEqual([
      "KEY_WRAP",
      "Could not generate data key: [empty key group provided]",
    ])
  })

  it("should keep the rule and settings, and store no rule when the file has none", async () => {
    const rule: SelectionRule = { kind: "encrypted_regex", value: "^b$" }
    const input = await seal(PLAIN, [pgp("A")], { rule, macOnly: true })
    const m = metaOf(await rotate({ input, openers: [fakeOpener("pgp", ["A"])] }))
    expect([m.rule, m.macOnlyEncrypted, m.shamirThreshold]).toEqual([rule, true, 0])
    const plain = dec(await seal(PLAIN, [pgp("A")]))
    const bare = enc(plain.replace("    unencrypted_suffix: _unencrypted\n", ""))
    const out = await rotate({ input: bare, openers: [fakeOpener("pgp", ["A"])] })
    expect(metaOf(out).rule).toBeNull()
    expect(dec(out)).not.toContain("unencrypted_suffix")
  })

  it("should store no rule for a binary file", async () => {
    const input = dec(await seal("raw\n", [pgp("A")], { format: "binary" }))
    const withRule = enc(input.replace('"sops": {', '"sops": {\n\t\t"unencrypted_suffix": "_unencrypted",'))
    const out = await rotateDocument(
      {
        input: withRule,
        source: "f.bin",
        format: "binary",
        openers: [fakeOpener("pgp", ["A"])],
        backendFor: rebuild,
        add: [],
        remove: [],
      },
      fakeSealDeps,
    )
    expect(metaOf(out, "binary").rule).toBeNull()
  })

  it("should hand the call options to the opener and to every key that wraps", async () => {
    const input = await seal(PLAIN, [pgp("A")])
    const opener = fakeOpener("pgp", ["A"])
    const built: ReturnType<typeof fakeBackend>[] = []
    const added = fakeBackend("pgp", "N")
    await rotate({
      input,
      openers: [opener],
      add: [added],
      call: { timeoutMs: 999 },
      backendFor: (w) => {
        const b = fakeBackend("pgp", w.kind === "pgp" ? w.fp : "?")
        built.push(b)
        return b
      },
    })
    expect(opener.calls.map((c) => c.opts?.timeoutMs)).toEqual([999])
    expect([...built, added].map((b) => b.wraps.map((o) => o?.timeoutMs))).toEqual([[999], [999]])
  })

  it("should refuse a plain file with rotate's hint, and name the file when no key opens it", async () => {
    const err = await rejectionOf(rotate({ input: enc(PLAIN), openers: [] }))
    expect([err.code, err.message, err.hint]).toEqual([
      "NOT_SEALED",
      "f.yaml: sops metadata not found",
      "rotate works on sealed files; seal it first with sealbridge encrypt",
    ])
    const input = await seal(PLAIN, [pgp("A")])
    const none = await rejectionOf(rotate({ input, openers: [fakeOpener("pgp", [])] }))
    expect(none.message.startsWith("f.yaml: failed to get the data key")).toBe(true)
  })

  it("should write with the emit options", async () => {
    const input = await seal(PLAIN, [pgp("A")])
    const out = await rotate({ input, openers: [fakeOpener("pgp", ["A"])], emit: { indent: 2 } })
    expect(dec(out)).toContain("\nc:\n  d: ENC[")
  })
})

describe("EDIT_EXAMPLES", () => {
  const W = "Welcome to SOPS! Edit this file as you please!"

  it("should hold sops 3.13's example for YAML and JSON: the same tree, written as each store writes it", () => {
    const tree = [
      map([
        entry("hello", str(W)),
        entry("example_key", str("example_value")),
        entry("example_array", list([str("example_value1"), str("example_value2")])),
        entry("example_number", float(1234.56789)),
        entry("example_booleans", list([bool(true), bool(false)])),
      ]),
    ]
    const json = formats.json.parse(enc(EDIT_EXAMPLES.json), "x")
    expect(json).toEqual(tree)
    expect(dec(formats.json.emit(json))).toBe(EDIT_EXAMPLES.json)
    const yaml = formats.yaml.parse(enc(EDIT_EXAMPLES.yaml), "x")
    // YAML carries the comment before example_array.
    expect(dec(formats.yaml.emit(yaml))).toBe(EDIT_EXAMPLES.yaml)
    expect(EDIT_EXAMPLES.yaml).toBe(
      `hello: ${W}\nexample_key: example_value\n# Example comment\nexample_array:\n    - example_value1\n    - example_value2\nexample_number: 1234.56789\nexample_booleans:\n    - true\n    - false\n`,
    )
  })

  it("should hold sops 3.13's example for dotenv, INI and binary", () => {
    expect(EDIT_EXAMPLES.dotenv).toBe(
      `# This is an example file.\nhello=${W}\nexample_key=example_value\nexample_multiline=foo\\nbar\\nbaz\n`,
    )
    expect(dec(formats.dotenv.emit(formats.dotenv.parse(enc(EDIT_EXAMPLES.dotenv), "x")))).toBe(
      EDIT_EXAMPLES.dotenv,
    )
    expect(EDIT_EXAMPLES.ini).toBe(
      `; This is an example file.\n[Welcome!]\nhello       = ${W}\nexample_key = example_value\n`,
    )
    expect(EDIT_EXAMPLES.binary).toBe(W)
  })
})
