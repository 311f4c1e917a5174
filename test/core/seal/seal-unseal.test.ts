import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import type { KeyBackend, KeyOpener, WrappedKey } from "../../../src/keys/backend.js"
import { parseEnvelope } from "../../../src/seal/envelope.js"
import { RuleKind, type SealMetadata } from "../../../src/seal/metadata-types.js"
import { sealTree, type SealDeps } from "../../../src/seal/seal.js"
import { unsealTree, verifyMac } from "../../../src/seal/unseal.js"
import { scalarFromPlaintext, sealBytes } from "../../../src/seal/value-cipher.js"
import {
  bool,
  bytes,
  comment,
  entry,
  float,
  int,
  list,
  map,
  nul,
  str,
  time,
  type Branch,
  type MapItem,
  type TreeNode,
} from "../../../src/tree/node.js"

// sealTree/unsealTree on trees built by hand: what is sealed, what the MAC covers, which errors
// name which path. A stand-in key type keeps the data key in clear (hex) so tests can compare it.
const fakeKey: KeyBackend = {
  kind: "age",
  keyId: "age1fake",
  wrap: (k): Promise<WrappedKey> =>
    Promise.resolve({ kind: "age", recipient: "age1fake", enc: Buffer.from(k).toString("hex") }),
}
const fakeOpener: KeyOpener = {
  kind: "age",
  unwrap: (w) => Promise.resolve(w.kind === "age" ? new Uint8Array(Buffer.from(w.enc, "hex")) : null),
}
const rnd = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n))
const deps: SealDeps = { now: () => new Date("2024-05-06T07:08:09.123Z"), randomBytes: rnd }

const doc = (): Branch =>
  map([
    comment(" top comment"),
    entry("s", str("secret")),
    entry("i", int(42n)),
    entry("f", float(1.5)),
    entry("b", bool(true)),
    entry("t", time("2024-01-01T00:00:00Z")),
    entry("raw", bytes(Buffer.from([0xff, 0xfe]))), // opened bytes come back as a Buffer
    entry("empty", str("")),
    entry("none", nul()),
    entry("port_unencrypted", int(5432n)),
    entry("nested", map([entry("list", list([str("a"), str("b")]))])),
  ])

const valueAt = (b: Branch, key: string): TreeNode | undefined =>
  b.items.find((it): it is Extract<MapItem, { kind: "entry" }> => it.kind === "entry" && it.key === key)
    ?.value
const textAt = (b: Branch, key: string): string | undefined => {
  const v = valueAt(b, key)
  return v?.kind === "scalar" && v.value.kind === "string" ? v.value.value : undefined
}
const withValue = (b: Branch, key: string, value: TreeNode): Branch =>
  map(b.items.map((it) => (it.kind === "entry" && it.key === key ? entry(key, value) : it)))
const failure = async (p: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> => {
  try {
    await p
  } catch (err) {
    if (err instanceof BridgeError)
      return { code: err.code, message: err.message, ...(err.hint === undefined ? {} : { hint: err.hint }) }
    throw err
  }
  throw new Error("expected a BridgeError")
}

async function sealed(over: Partial<Parameters<typeof sealTree>[1]> = {}, tree: Branch = doc()) {
  const out = await sealTree([tree], { keyGroups: [[fakeKey]], rule: null, ...over }, deps)
  const branch = out.branches[0]
  if (branch === undefined) throw new Error("no branch")
  return { branch, metadata: out.metadata }
}

describe("sealTree", () => {
  it("should seal every selected non-empty value with its type, and leave the rest as they were", async () => {
    const { branch, metadata } = await sealed()
    const type = (key: string): string | undefined => parseEnvelope(textAt(branch, key) ?? "")?.type
    expect(["s", "i", "f", "b", "t", "raw"].map(type)).toEqual(["str", "int", "float", "bool", "time", "str"])
    expect(valueAt(branch, "empty")).toEqual(str(""))
    expect(valueAt(branch, "none")).toEqual(nul())
    expect(valueAt(branch, "port_unencrypted")).toEqual(int(5432n))
    const top = branch.items[0]
    expect(top?.kind === "comment" ? parseEnvelope(top.text)?.type : undefined).toBe("comment")
    expect(metadata.lastModified).toBe("2024-05-06T07:08:09Z")
    expect(metadata.rule).toEqual({ kind: RuleKind.UnencryptedSuffix, value: "_unencrypted" })
    expect(metadata.shamirThreshold).toBe(0)
    expect(metadata.macOnlyEncrypted).toBe(false)
    expect(metadata.version).toBe("3.13.2")
  })

  it("should store no rule for binary files (storeRule false) and the given rule otherwise", async () => {
    expect((await sealed({ storeRule: false })).metadata.rule).toBeNull()
    const rule = { kind: RuleKind.EncryptedRegex, value: "^s$" }
    const { branch, metadata } = await sealed({ rule })
    expect(metadata.rule).toEqual(rule)
    expect(parseEnvelope(textAt(branch, "s") ?? "")).not.toBeNull()
    expect(valueAt(branch, "i")).toEqual(int(42n))
  })

  it("should keep an empty comment and a comment the rule leaves clear", async () => {
    const tree = map([comment(""), entry("a_unencrypted", map([comment(" keep"), entry("x", str("v"))]))])
    const { branch } = await sealed({}, tree)
    expect(branch.items[0]).toEqual(comment(""))
    const inner = valueAt(branch, "a_unencrypted")
    expect(inner?.kind === "map" ? inner.items[0] : undefined).toEqual(comment(" keep"))
  })

  it("should zero a fresh data key after use, and leave a reused one alone", async () => {
    const keys: Uint8Array[] = []
    const spy: SealDeps = {
      now: () => deps.now(),
      randomBytes: (n) => {
        const b = rnd(n)
        keys.push(b)
        return b
      },
    }
    const out = await sealTree([doc()], { keyGroups: [[fakeKey]], rule: null }, spy)
    expect(keys[0]?.every((b) => b === 0)).toBe(true)
    const wrapped = out.metadata.keyGroups[0]?.[0]
    expect(wrapped?.kind === "age" && /^0+$/.test(wrapped.enc)).toBe(false)
    const reused = rnd(32)
    const copy = reused.slice()
    await sealTree(
      [doc()],
      {
        keyGroups: [],
        rule: null,
        reuse: { dataKey: reused, keyGroups: out.metadata.keyGroups, stash: new Map() },
      },
      deps,
    )
    expect(reused).toEqual(copy)
  })
})

describe("unsealTree", () => {
  it("should open every value to its typed scalar and every sealed comment", async () => {
    const { branch, metadata } = await sealed()
    const out = await unsealTree([branch], metadata, [fakeOpener])
    expect(out.branches[0]).toEqual(doc())
    expect(out.dataKey.length).toBe(32)
  })

  it("should remember the IV of each opened value and comment, unless keepIvs is false", async () => {
    const { branch, metadata } = await sealed()
    const kept = await unsealTree([branch], metadata, [fakeOpener])
    // s, i, f, b, t, raw, two list items, and the comment.
    expect(kept.stash.size).toBe(9)
    const iv = parseEnvelope(textAt(branch, "s") ?? "")?.iv
    expect([...kept.stash.values()].some((v) => Buffer.from(v).equals(Buffer.from(iv ?? [])))).toBe(true)
    expect((await unsealTree([branch], metadata, [fakeOpener], { keepIvs: false })).stash.size).toBe(0)
  })

  it("re-sealing with the stash keeps the IV of unchanged values and draws a new one for changed ones", async () => {
    const { branch, metadata } = await sealed()
    const open = await unsealTree([branch], metadata, [fakeOpener])
    const edited = withValue(open.branches[0] ?? map([]), "i", int(43n))
    const again = await sealTree(
      [edited],
      {
        keyGroups: [],
        rule: null,
        reuse: { dataKey: open.dataKey, keyGroups: metadata.keyGroups, stash: open.stash },
      },
      deps,
    )
    const b2 = again.branches[0] ?? map([])
    expect(textAt(b2, "s")).toBe(textAt(branch, "s"))
    expect(b2.items[0]).toEqual(branch.items[0])
    expect(parseEnvelope(textAt(b2, "i") ?? "")?.iv).not.toEqual(parseEnvelope(textAt(branch, "i") ?? "")?.iv)
  })

  it("should open only the chosen leaves with ignoreMac and `only`, and ignore `only` without it", async () => {
    const { branch, metadata } = await sealed()
    const target = valueAt(branch, "s")
    if (target === undefined) throw new Error("no s")
    const some = await unsealTree([branch], metadata, [fakeOpener], {
      ignoreMac: true,
      only: new Set([target]),
    })
    const b = some.branches[0] ?? map([])
    expect(valueAt(b, "s")).toEqual(str("secret"))
    expect(textAt(b, "i")).toBe(textAt(branch, "i"))
    expect(b.items[0]).toEqual(branch.items[0])
    const all = await unsealTree([branch], metadata, [fakeOpener], { only: new Set([target]) })
    expect(all.branches[0]).toEqual(doc())
  })

  it("should keep a comment it cannot open, as sops does", async () => {
    const { branch, metadata } = await sealed()
    const foreign = sealBytes(rnd(32), new TextEncoder().encode("x"), "comment", ":", rnd(32))
    const tree = map([comment(foreign), ...branch.items.slice(1)])
    const out = await unsealTree([tree], metadata, [fakeOpener], { ignoreMac: true })
    expect(out.branches[0]?.items[0]).toEqual(comment(foreign))
  })

  it("should check the MAC over unencrypted values too, except in mac_only_encrypted mode", async () => {
    const plainEdit = (b: Branch): Branch => withValue(b, "port_unencrypted", int(1n))
    const full = await sealed()
    expect(
      await failure(unsealTree([plainEdit(full.branch)], full.metadata, [fakeOpener], { source: "f.yaml" })),
    ).toEqual({
      code: "MAC_MISMATCH",
      message: "f.yaml: MAC mismatch",
      hint: "the file was changed outside sops/sealbridge; restore it, or pass --ignore-mac if you trust it",
    })
    const only = await sealed({ macOnlyEncrypted: true })
    expect(only.metadata.macOnlyEncrypted).toBe(true)
    const out = await unsealTree([plainEdit(only.branch)], only.metadata, [fakeOpener])
    expect(valueAt(out.branches[0] ?? map([]), "port_unencrypted")).toEqual(int(1n))
    // A sealed value still counts in that mode: a MAC of another file does not fit.
    const other = await sealed({ macOnlyEncrypted: true }, withValue(doc(), "s", str("other")))
    const mixed: SealMetadata = { ...only.metadata, mac: other.metadata.mac }
    expect((await failure(unsealTree([only.branch], mixed, [fakeOpener]))).code).toBe("MAC_MISMATCH")
  })

  it("should name the path of a value that is not sealed, broken or tampered (DECRYPT)", async () => {
    const { branch, metadata } = await sealed()
    const run = (b: Branch) => failure(unsealTree([b], metadata, [fakeOpener], { source: "f.yaml" }))
    expect(await run(withValue(branch, "s", int(1n)))).toEqual({
      code: "DECRYPT",
      message: "f.yaml: s: should be encrypted but is not a string",
    })
    expect(await run(withValue(branch, "s", str("plain")))).toEqual({
      code: "DECRYPT",
      message: "f.yaml: s: is not a valid sealed value",
    })
    expect(await run(withValue(branch, "s", str(textAt(branch, "i") ?? "")))).toEqual({
      code: "DECRYPT",
      message: "f.yaml: s: cannot be decrypted (tampered, or moved from another key)",
      hint: "restore the file from version control; never edit ENC[...] values by hand",
    })
    expect(
      (await failure(unsealTree([withValue(branch, "s", int(1n))], metadata, [fakeOpener]))).message,
    ).toBe("file: s: should be encrypted but is not a string")
  })

  it("should open an empty string and null where a sealed value is expected as they are", async () => {
    const { branch, metadata } = await sealed()
    const out = await unsealTree([withValue(branch, "s", str(""))], metadata, [fakeOpener], {
      ignoreMac: true,
    })
    expect(valueAt(out.branches[0] ?? map([]), "s")).toEqual(str(""))
  })

  it("should zero the data key when opening fails", async () => {
    const { branch, metadata } = await sealed()
    let handed: Uint8Array | undefined
    const spy: KeyOpener = {
      kind: "age",
      unwrap: async (w) => (handed = (await fakeOpener.unwrap(w)) ?? undefined) ?? null,
    }
    await failure(unsealTree([withValue(branch, "s", str("plain"))], metadata, [spy]))
    expect(handed?.every((b) => b === 0)).toBe(true)
  })
})

describe("verifyMac", () => {
  const hint =
    "the file was changed outside sops/sealbridge; restore it, or pass --ignore-mac if you trust it"
  it("should refuse a missing MAC, a broken one, a bad lastmodified and one sealed with another key", async () => {
    const { metadata } = await sealed()
    const key = (await unsealTree([], metadata, [fakeOpener], { ignoreMac: true })).dataKey
    const check = (m: Partial<SealMetadata>, k = key) => {
      try {
        verifyMac({ ...metadata, ...m }, k, "X", "f.yaml")
      } catch (err) {
        return err instanceof BridgeError ? { code: err.code, message: err.message, hint: err.hint } : err
      }
      return null
    }
    const missing = { code: "MAC_MISMATCH", message: "f.yaml: the MAC is missing or malformed", hint }
    expect(check({ mac: "" })).toEqual(missing)
    expect(check({ mac: "ENC[AES256_GCM,garbage]" })).toEqual(missing)
    expect(check({ lastModified: "yesterday" })).toEqual(missing)
    expect(check({}, rnd(32))).toEqual({ code: "MAC_MISMATCH", message: "f.yaml: cannot decrypt MAC", hint })
    expect(check({ lastModified: "2024-05-06T07:08:10Z" })).toEqual({
      code: "MAC_MISMATCH",
      message: "f.yaml: cannot decrypt MAC",
      hint,
    })
    expect(check({})).toEqual({ code: "MAC_MISMATCH", message: "f.yaml: MAC mismatch", hint })
  })

  it("should use the re-formatted lastmodified as AAD (fraction dropped, +00:00 as Z)", async () => {
    const { branch, metadata } = await sealed()
    const m = { ...metadata, lastModified: "2024-05-06T07:08:09.5+00:00" }
    const out = await unsealTree([branch], m, [fakeOpener])
    expect(out.branches[0]).toEqual(doc())
  })
})

describe("scalarFromPlaintext", () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
  const bad = (b: Uint8Array, type: string): unknown => {
    try {
      return scalarFromPlaintext(b, type, "f.yaml: a:")
    } catch (err) {
      return err instanceof BridgeError ? `${err.code} ${err.message}` : err
    }
  }
  it("should read each type with Go's rules", () => {
    expect(scalarFromPlaintext(enc("+5"), "int", "w")).toEqual({ kind: "int", value: 5n })
    expect(scalarFromPlaintext(enc("1e3"), "float", "w")).toEqual({ kind: "float", value: 1000 })
    expect(scalarFromPlaintext(enc("T"), "bool", "w")).toEqual({ kind: "bool", value: true })
    expect(scalarFromPlaintext(enc("2024-01-01T00:00:00.5+01:00"), "time", "w")).toEqual({
      kind: "time",
      value: "2024-01-01T00:00:00.5+01:00",
    })
    expect(scalarFromPlaintext(enc("é"), "bytes", "w")).toEqual({ kind: "string", value: "é" })
    const raw = Uint8Array.from([0xc3])
    expect(scalarFromPlaintext(raw, "str", "w")).toEqual({ kind: "bytes", value: raw })
  })
  it("should name the path and the type it could not read (DECRYPT)", () => {
    expect(bad(enc("x"), "int")).toBe("DECRYPT f.yaml: a:: decrypted value is not a valid int")
    expect(bad(enc("x"), "float")).toBe("DECRYPT f.yaml: a:: decrypted value is not a valid float")
    expect(bad(enc("yes"), "bool")).toBe("DECRYPT f.yaml: a:: decrypted value is not a valid bool")
    expect(bad(enc("2024-01-01"), "time")).toBe("DECRYPT f.yaml: a:: decrypted value is not a valid time")
    expect(bad(enc("x2024-01-01T00:00:00Z"), "time")).toBe(
      "DECRYPT f.yaml: a:: decrypted value is not a valid time",
    )
    expect(bad(enc("2024-01-01T00:00:00Zx"), "time")).toBe(
      "DECRYPT f.yaml: a:: decrypted value is not a valid time",
    )
    expect(bad(enc("x"), "blob")).toBe('DECRYPT f.yaml: a:: unknown sealed value type "blob"')
  })
})
