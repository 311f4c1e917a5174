import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { ErrorCode, type BridgeError } from "../../../src/errors.js"
import { parseEnvelope } from "../../../src/seal/envelope.js"
import { RuleKind, type SealMetadata, type SelectionRule } from "../../../src/seal/metadata-types.js"
import { StreamOpener } from "../../../src/seal/stream-opener.js"
import { StreamSealer } from "../../../src/seal/stream-sealer.js"
import { openBytes, sealBytes } from "../../../src/seal/value-cipher.js"
import type { Scalar } from "../../../src/tree/node.js"
import type { StreamWalker } from "../../../src/tree/stream-walk.js"
import { bridgeErrorOf } from "../../helpers/error-of.js"

// The one-pass sealer and opener driven event by event (open, key, leaf, comment, item, close),
// each output checked exactly: the ENC[...] text against sealBytes with the literal AAD and the
// IV drawn in order, the MAC against SHA-512 over the literal bytes, every error message whole.

const KEY = new Uint8Array(32).fill(7)
const OTHER_KEY = new Uint8Array(32).fill(9)

/** Counter randomness; `drawn` records the length of every draw. */
function counter(): { random: (n: number) => Uint8Array; drawn: number[] } {
  let c = 0
  const drawn: number[] = []
  return {
    drawn,
    random: (n) => {
      drawn.push(n)
      return Uint8Array.from({ length: n }, () => c++ & 0xff)
    },
  }
}
/** The k-th 32-byte IV the counter gives. */
const iv = (k: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (k * 32 + i) & 0xff)
const enc = (text: string, type: string, aad: string, k: number, key = KEY): string =>
  sealBytes(key, Buffer.from(text, "utf8"), type, aad, iv(k))

const SOPS_INIT = createHash("sha256").update("sops").digest()
/** The MAC sops stores before sealing: SHA-512 (after SHA-256("sops") for mac_only_encrypted), hex upper. */
function digest(parts: string[], macOnly = false): string {
  const h = createHash("sha512")
  if (macOnly) h.update(SOPS_INIT)
  for (const p of parts) h.update(p, "utf8")
  return h.digest("hex").toUpperCase()
}

const s = (value: string): Scalar => ({ kind: "string", value })
const NOW = new Date("2026-01-02T03:04:05.678Z")

/** The digest sealed in finish()'s MAC (opened with the last-modified time as AAD). */
function macOf(sealer: StreamSealer, now = NOW): { lastModified: string; digest: string } {
  const { lastModified, mac } = sealer.finish(now)
  const env = parseEnvelope(mac)
  if (env === null) throw new Error(`not an envelope: ${mac}`)
  expect(env.type).toBe("str")
  return { lastModified, digest: Buffer.from(openBytes(KEY, env, lastModified)).toString("utf8") }
}

const sealer = (rule: SelectionRule | null, macOnly = false) => {
  const r = counter()
  return { w: new StreamSealer(KEY, rule, macOnly, r.random), drawn: r.drawn }
}

/** A map entry with a scalar value as a reader reports it (key, leaf, item): the scalar handed back. */
function mapEntry(w: StreamWalker, key: string, value: Scalar): Scalar {
  w.key(key)
  const out = w.leaf(value)
  w.item(true)
  return out
}
/** A list item that is a scalar as a reader reports it (leaf, item): the scalar handed back. */
function listItem(w: StreamWalker, value: Scalar): Scalar {
  const out = w.leaf(value)
  w.item(false)
  return out
}

const metadata = (rule: SelectionRule | null, macOnly = false): SealMetadata =>
  ({ rule, macOnlyEncrypted: macOnly }) as unknown as SealMetadata
const opener = (rule: SelectionRule | null = null, macOnly = false, key = KEY) =>
  new StreamOpener(key, metadata(rule, macOnly), "f.yaml")

describe("StreamSealer, event by event", () => {
  it("should seal each leaf at its path with the next IV, and leave null, empty and unencrypted leaves", () => {
    const { w, drawn } = sealer(null)
    const nul: Scalar = { kind: "null" }
    const empty = s("")
    const emptyBytes: Scalar = { kind: "bytes", value: new Uint8Array(0) }
    const clear = s("y")
    w.open("map")
    expect(mapEntry(w, "a", s("x"))).toEqual(s(enc("x", "str", "a:", 0)))
    expect(mapEntry(w, "b_unencrypted", clear)).toBe(clear)
    expect(mapEntry(w, "n", nul)).toBe(nul)
    expect(mapEntry(w, "e", empty)).toBe(empty)
    expect(mapEntry(w, "eb", emptyBytes)).toBe(emptyBytes)
    expect(mapEntry(w, "i", { kind: "int", value: 5n })).toEqual(s(enc("5", "int", "i:", 1)))
    w.key("nested")
    w.open("map")
    expect(mapEntry(w, "c", { kind: "bool", value: true })).toEqual(s(enc("True", "bool", "nested:c:", 2)))
    expect(mapEntry(w, "b", { kind: "bytes", value: Buffer.from("raw") })).toEqual(
      s(enc("raw", "str", "nested:b:", 3)),
    )
    w.close()
    w.item(true)
    // List items are not on the path: each item of `l` is bound to `l:`.
    w.key("l")
    w.open("list")
    expect(listItem(w, s("one"))).toEqual(s(enc("one", "str", "l:", 4)))
    expect(listItem(w, { kind: "float", value: 2.5 })).toEqual(s(enc("2.5", "float", "l:", 5)))
    w.close()
    w.item(true)
    expect(mapEntry(w, "z", s("last"))).toEqual(s(enc("last", "str", "z:", 6)))
    w.close()
    expect(w.sealed).toBe(7)
    expect(drawn).toEqual([32, 32, 32, 32, 32, 32, 32])
    // The MAC covers every value in walk order, sealed or not (null and "" add no bytes).
    expect(macOf(w)).toEqual({
      lastModified: "2026-01-02T03:04:05Z",
      digest: digest(["x", "y", "5", "True", "raw", "one", "2.5", "last"]),
    })
    expect(drawn).toHaveLength(8)
  })

  it("should seal the MAC with the next IV, the digest as a str value and the time as AAD", () => {
    const { w } = sealer(null)
    w.open("map")
    mapEntry(w, "a", s("x"))
    w.close()
    const { lastModified, mac } = w.finish(NOW)
    expect(lastModified).toBe("2026-01-02T03:04:05Z")
    expect(mac).toBe(enc(digest(["x"]), "str", "2026-01-02T03:04:05Z", 1))
  })

  it("should seal the MAC with the time as written when the year has no RFC 3339 form", () => {
    const { w } = sealer(null)
    const far = new Date(Date.UTC(10000, 0, 1))
    const { lastModified, mac } = w.finish(far)
    expect(lastModified).toBe("+010000-01-01T00:00:00Z")
    expect(mac).toBe(enc(digest([]), "str", "+010000-01-01T00:00:00Z", 0))
  })

  it("with mac_only_encrypted, should hash only the sealed values, after SHA-256(sops)", () => {
    const { w } = sealer({ kind: RuleKind.EncryptedRegex, value: "^pw$" }, true)
    w.open("map")
    expect(mapEntry(w, "a", s("clear"))).toEqual(s("clear"))
    expect(mapEntry(w, "pw", s("secret"))).toEqual(s(enc("secret", "str", "pw:", 0)))
    w.close()
    expect(macOf(w).digest).toBe(digest(["secret"], true))
  })

  it("should seal comments bound to their container's path (`:` at the top), but not empty ones", () => {
    const { w, drawn } = sealer(null)
    // Outside any container (no comment level): still sealed at the top.
    expect(w.comment("before")).toBe(enc("before", "comment", ":", 0))
    w.open("map")
    expect(w.comment(" top")).toBe(enc(" top", "comment", ":", 1))
    expect(w.comment("")).toBe("")
    w.key("k")
    w.open("map")
    expect(w.comment("inner")).toBe(enc("inner", "comment", "k:", 2))
    expect(mapEntry(w, "v", s("1"))).toEqual(s(enc("1", "str", "k:v:", 3)))
    w.close()
    w.item(true)
    w.close()
    expect(w.sealed).toBe(4)
    expect(drawn).toEqual([32, 32, 32, 32])
    // Comments are not in the MAC.
    expect(macOf(w).digest).toBe(digest(["1"]))
  })

  it("should leave comments clear where the rule leaves values clear", () => {
    const { w } = sealer({ kind: RuleKind.EncryptedSuffix, value: "_enc" })
    w.open("map")
    expect(w.comment("top")).toBe("top")
    w.key("a_enc")
    w.open("map")
    expect(w.comment("in")).toBe(enc("in", "comment", "a_enc:", 0))
    w.close()
    w.item(true)
    w.close()
    expect(w.sealed).toBe(1)
  })

  it("encrypted_comment_regex: the marker stays clear and seals what follows it until the item ends", () => {
    const { w } = sealer({ kind: RuleKind.EncryptedCommentRegex, value: "seal me" })
    w.open("map")
    // The marker at the top level (before any item): it covers the whole next entry, nested too.
    expect(w.comment("seal me")).toBe("seal me")
    expect(w.comment("after the marker")).toBe(enc("after the marker", "comment", ":", 0))
    w.key("n")
    w.open("map")
    expect(mapEntry(w, "x", s("1"))).toEqual(s(enc("1", "str", "n:x:", 1)))
    expect(mapEntry(w, "y", s("2"))).toEqual(s(enc("2", "str", "n:y:", 2)))
    w.close()
    w.item(true)
    // The entry ended: the marker no longer counts.
    expect(mapEntry(w, "z", s("3"))).toEqual(s("3"))
    // A marker inside a list covers its next item only.
    w.key("l")
    w.open("list")
    expect(w.comment("seal me")).toBe("seal me")
    expect(listItem(w, s("4"))).toEqual(s(enc("4", "str", "l:", 3)))
    expect(listItem(w, s("5"))).toEqual(s("5"))
    w.close()
    w.item(true)
    w.close()
    expect(w.sealed).toBe(4)
  })

  it("unencrypted_comment_regex: a marker keeps the rest of its item clear; closing drops its level", () => {
    const { w } = sealer({ kind: RuleKind.UnencryptedCommentRegex, value: "keep" })
    w.open("map")
    w.key("a")
    w.open("map")
    expect(w.comment("keep")).toBe("keep")
    expect(mapEntry(w, "b", s("1"))).toEqual(s("1"))
    expect(w.comment("other")).toBe(enc("other", "comment", "a:", 0))
    expect(mapEntry(w, "c", s("2"))).toEqual(s(enc("2", "str", "a:c:", 1)))
    // A marker trailing the inner map: gone when it closes.
    expect(w.comment("keep")).toBe("keep")
    w.close()
    w.item(true)
    expect(mapEntry(w, "d", s("3"))).toEqual(s(enc("3", "str", "d:", 2)))
    // A marker before an entry whose value is a map: the outer level keeps it until that entry ends.
    expect(w.comment("keep")).toBe("keep")
    w.key("e")
    w.open("map")
    expect(mapEntry(w, "f", s("4"))).toEqual(s("4"))
    w.close()
    w.item(true)
    expect(mapEntry(w, "g", s("5"))).toEqual(s(enc("5", "str", "g:", 3)))
    w.close()
  })

  it("should open each container with no comments: a rule matching any comment sees none there", () => {
    const { w } = sealer({ kind: RuleKind.EncryptedCommentRegex, value: "." })
    w.open("map")
    expect(mapEntry(w, "a", s("1"))).toEqual(s("1"))
    w.key("l")
    w.open("list")
    expect(listItem(w, s("2"))).toEqual(s("2"))
    w.close()
    w.item(true)
    w.close()
    expect(w.sealed).toBe(0)
    const o = opener({ kind: RuleKind.UnencryptedCommentRegex, value: "." })
    o.open("map")
    expect(mapEntry(o, "a", s(enc("1", "str", "a:", 0)))).toEqual(s("1"))
    o.close()
  })

  it("should take an item() outside any container without failing", () => {
    const { w } = sealer(null)
    w.item(false)
    w.key("a")
    expect(w.leaf(s("x"))).toEqual(s(enc("x", "str", "a:", 0)))
  })
})

describe("StreamOpener, event by event", () => {
  it("should open each value at its path, typed, and hash every value met", () => {
    const w = opener()
    const nul: Scalar = { kind: "null" }
    const empty = s("")
    const clear = s("y")
    w.open("map")
    expect(mapEntry(w, "a", s(enc("x", "str", "a:", 0)))).toEqual(s("x"))
    expect(mapEntry(w, "b_unencrypted", clear)).toBe(clear)
    expect(mapEntry(w, "n", nul)).toBe(nul)
    expect(mapEntry(w, "e", empty)).toBe(empty)
    w.key("m")
    w.open("map")
    expect(mapEntry(w, "i", s(enc("5", "int", "m:i:", 1)))).toEqual({ kind: "int", value: 5n })
    w.close()
    w.item(true)
    w.key("l")
    w.open("list")
    expect(listItem(w, s(enc("true", "bool", "l:", 2)))).toEqual({ kind: "bool", value: true })
    expect(listItem(w, s(enc("2.5", "float", "l:", 3)))).toEqual({ kind: "float", value: 2.5 })
    w.close()
    w.item(true)
    w.close()
    expect(w.digestHex()).toBe(digest(["x", "y", "5", "true", "2.5"]))
  })

  it("with mac_only_encrypted, should hash only the sealed values", () => {
    const w = opener({ kind: RuleKind.EncryptedRegex, value: "^pw$" }, true)
    w.open("map")
    expect(mapEntry(w, "a", s("clear"))).toEqual(s("clear"))
    expect(mapEntry(w, "pw", s(enc("secret", "str", "pw:", 0)))).toEqual(s("secret"))
    w.close()
    expect(w.digestHex()).toBe(digest(["secret"], true))
  })

  it("should name the value that is not a string, not sealed, or does not open", () => {
    const at = (v: Scalar, key = OTHER_KEY): BridgeError => {
      const w = opener(null, false, key)
      w.open("map")
      w.key("m")
      w.open("map")
      w.key("k")
      return bridgeErrorOf(() => w.leaf(v))
    }
    const notString = at({ kind: "int", value: 1n })
    expect([notString.code, notString.message]).toEqual([
      ErrorCode.Decrypt,
      "f.yaml: m:k: should be encrypted but is not a string",
    ])
    const notSealed = at(s("ENC[AES256_GCM,data:broken]"))
    expect([notSealed.code, notSealed.message]).toEqual([
      ErrorCode.Decrypt,
      "f.yaml: m:k: is not a valid sealed value",
    ])
    // Sealed under another key, and moved from another path.
    for (const sealed of [enc("x", "str", "m:k:", 0), enc("x", "str", "m:", 0, OTHER_KEY)]) {
      const bad = at(s(sealed))
      expect([bad.code, bad.message, bad.hint]).toEqual([
        ErrorCode.Decrypt,
        "f.yaml: m:k: cannot be decrypted (tampered, or moved from another key)",
        "restore the file from version control; never edit ENC[...] values by hand",
      ])
      expect(bad.cause).toBeInstanceOf(Error)
    }
    // A value that opens to text its type cannot read: named with the source too.
    const badInt = at(s(enc("x", "int", "m:k:", 0, OTHER_KEY)))
    expect([badInt.code, badInt.message]).toEqual([
      ErrorCode.Decrypt,
      "f.yaml: m:k:: decrypted value is not a valid int",
    ])
  })

  it("should open sealed comments, keep clear ones and ones it cannot open, and count them for the rules", () => {
    const w = opener({ kind: RuleKind.EncryptedCommentRegex, value: "seal me" })
    w.open("map")
    // A sealed marker is opened before the rule reads it.
    expect(w.comment(enc("seal me", "comment", ":", 0))).toBe("seal me")
    expect(mapEntry(w, "a", s(enc("1", "str", "a:", 1)))).toEqual(s("1"))
    expect(mapEntry(w, "b", s("2"))).toEqual(s("2"))
    // A clear marker counts too.
    expect(w.comment("seal me")).toBe("seal me")
    w.key("c")
    w.open("map")
    expect(w.comment(enc("in", "comment", "c:", 2))).toBe("in")
    // At the wrong path, or under another key: kept as it is.
    const moved = enc("in", "comment", ":", 3)
    expect(w.comment(moved)).toBe(moved)
    const foreign = enc("in", "comment", "c:", 4, OTHER_KEY)
    expect(w.comment(foreign)).toBe(foreign)
    expect(w.comment("ENC[AES256_GCM,broken")).toBe("ENC[AES256_GCM,broken")
    expect(mapEntry(w, "d", s(enc("3", "str", "c:d:", 5)))).toEqual(s("3"))
    w.close()
    w.item(true)
    w.close()
    expect(w.digestHex()).toBe(digest(["1", "2", "3"]))
  })

  it("should open a comment outside any container, and count a kept comment for the rules", () => {
    const w = opener({ kind: RuleKind.UnencryptedCommentRegex, value: "ENC\\[" })
    expect(w.comment(enc("top", "comment", ":", 0))).toBe("top")
    expect(w.keepComment("kept")).toBe("kept")
    w.open("map")
    expect(mapEntry(w, "a", s(enc("1", "str", "a:", 1)))).toEqual(s("1"))
    // A comment kept sealed counts with its sealed text: the clear-comment rule matches it.
    const sealed = enc("x", "comment", ":", 2)
    expect(w.keepComment(sealed)).toBe(sealed)
    expect(mapEntry(w, "b", s("2"))).toEqual(s("2"))
    w.close()
    expect(w.digestHex()).toBe(digest(["1", "2"]))
  })
})
