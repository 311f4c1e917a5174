import { describe, expect, it } from "vitest"
import { RuleKind, type SelectionRule } from "../../../src/seal/metadata-types.js"
import { policyFor } from "../../../src/seal/policy.js"

// Spec §4: which leaves and comments each of the six rules seals, asked of the policy directly.
const rule = (kind: SelectionRule["kind"], value: string): SelectionRule => ({ kind, value })
const sealsLeaf = (r: SelectionRule | null, path: string[], comments: string[][] = []): boolean =>
  policyFor(r).shouldSeal(path, comments, false)

describe("selection rules", () => {
  it("default (no rule stored): every leaf but those under a key ending in _unencrypted", () => {
    expect(sealsLeaf(null, ["db", "password"])).toBe(true)
    expect(sealsLeaf(null, ["db_unencrypted", "password"])).toBe(false)
    expect(sealsLeaf(null, ["db", "port_unencrypted"])).toBe(false)
    expect(sealsLeaf(null, ["db", "_unencrypted_not_suffix"])).toBe(true)
  })

  it("unencrypted_suffix: any path component ending in the suffix stays clear", () => {
    const r = rule(RuleKind.UnencryptedSuffix, "_pub")
    expect(sealsLeaf(r, ["a", "b"])).toBe(true)
    expect(sealsLeaf(r, ["a_pub", "b"])).toBe(false)
    expect(sealsLeaf(r, ["a", "key_unencrypted"])).toBe(true)
  })

  it("encrypted_suffix: only paths with a component ending in the suffix are sealed", () => {
    const r = rule(RuleKind.EncryptedSuffix, "_secret")
    expect(sealsLeaf(r, ["a", "b"])).toBe(false)
    expect(sealsLeaf(r, ["a_secret", "b"])).toBe(true)
    expect(sealsLeaf(r, ["a", "b_secret"])).toBe(true)
  })

  it("unencrypted_regex: an unanchored RE2 search over each component", () => {
    const r = rule(RuleKind.UnencryptedRegex, "^(host|port)$")
    expect(sealsLeaf(r, ["db", "password"])).toBe(true)
    expect(sealsLeaf(r, ["db", "host"])).toBe(false)
    expect(sealsLeaf(r, ["port", "x"])).toBe(false)
    expect(sealsLeaf(rule(RuleKind.UnencryptedRegex, "ost"), ["db", "hostname"])).toBe(false)
  })

  it("encrypted_regex: sealed only when some component matches", () => {
    const r = rule(RuleKind.EncryptedRegex, "^(data|stringData)$")
    expect(sealsLeaf(r, ["metadata", "name"])).toBe(false)
    expect(sealsLeaf(r, ["data", "token"])).toBe(true)
    expect(sealsLeaf(r, ["spec", "stringData", "x"])).toBe(true)
  })

  it("an invalid regex matches nothing, as in sops", () => {
    expect(sealsLeaf(rule(RuleKind.EncryptedRegex, "("), ["("])).toBe(false)
    expect(sealsLeaf(rule(RuleKind.UnencryptedRegex, "("), ["("])).toBe(true)
  })

  it("unencrypted_comment_regex: a matching comment at any level above keeps the leaf clear", () => {
    const r = rule(RuleKind.UnencryptedCommentRegex, "sops:plain")
    expect(sealsLeaf(r, ["a"], [[" note"]])).toBe(true)
    expect(sealsLeaf(r, ["a", "b"], [[" sops:plain"], []])).toBe(false)
    expect(sealsLeaf(r, ["a", "b"], [[], [" x", " sops:plain here"]])).toBe(false)
    expect(sealsLeaf(r, ["sops:plain"], [])).toBe(true)
  })

  it("encrypted_comment_regex: sealed when a comment above matches; the marker itself stays clear", () => {
    const r = rule(RuleKind.EncryptedCommentRegex, "sops:enc")
    const p = policyFor(r)
    expect(p.shouldSeal(["a"], [[" other"]], false)).toBe(false)
    expect(p.shouldSeal(["a"], [[" sops:enc"]], false)).toBe(true)
    expect(p.shouldSeal(["a", "b"], [[" sops:enc"], [" other"]], false)).toBe(true)
    // A comment is asked with itself last on its own level: alone it is not sealed...
    expect(p.shouldSeal(["a"], [[" sops:enc"]], true)).toBe(false)
    // ...but one that follows a marker on the same level is.
    expect(p.shouldSeal(["a"], [[" sops:enc", " next"]], true)).toBe(true)
    // The marker's exemption is for its own level only: one above still counts.
    expect(p.shouldSeal(["a", "b"], [[" sops:enc"], [" inner"]], true)).toBe(true)
  })
})
