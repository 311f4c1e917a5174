import { createHash } from "node:crypto"
import fc from "fast-check"

// The selection-rule oracle (issue 8), written from the sops format (spec §4: path components and
// the comment stack; §5: what the MAC covers), not from sealbridge's policy code: random YAML
// documents with comments, rendered as sops writes them, each line with its verdict (sealed or
// clear). Used by test/cli/selection-oracle.test.ts and, against the real sops, by
// test/integration/selection-interop.test.ts.

export type Val =
  | { readonly kind: "str"; readonly v: string }
  | { readonly kind: "int"; readonly v: number }
  | { readonly kind: "list"; readonly items: readonly string[] }
  | { readonly kind: "map"; readonly items: readonly Item[] }
export type Item =
  | { readonly kind: "comment"; readonly text: string }
  | { readonly kind: "entry"; readonly key: string; readonly value: Val }

export type Rule = { readonly kind: string; readonly value: string } | null

/** Keys and comments chosen so every rule below both matches and misses somewhere. */
const KEYS = ["a", "b", "pass", "pw_s", "tok_s", "x_unencrypted", "Key", "m", "plain"]
// No lone "#": sops reads it as an empty comment and leaves it; sealbridge's readers take it as
// " " (as the yaml package's composer words it) and seal it — a known difference (README).
const COMMENTS = [" seal me", " keep", " note", " seal", " keep this", " ", " Seal"]
const str = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^v[a-z0-9]{0,6}$/) },
  { weight: 1, arbitrary: fc.constant("") },
)
const scalar: fc.Arbitrary<Val> = fc.oneof(
  { weight: 4, arbitrary: str.map((v): Val => ({ kind: "str", v })) },
  { weight: 1, arbitrary: fc.nat({ max: 999 }).map((v): Val => ({ kind: "int", v })) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.stringMatching(/^v[a-z0-9]{0,4}$/), { minLength: 1, maxLength: 3 })
      .map((items): Val => ({ kind: "list", items })),
  },
)
const items = (value: fc.Arbitrary<Val>): fc.Arbitrary<Item[]> =>
  fc
    .uniqueArray(
      fc.tuple(fc.constantFrom(...KEYS), fc.array(fc.constantFrom(...COMMENTS), { maxLength: 2 }), value),
      { selector: ([k]) => k, minLength: 1, maxLength: 4 },
    )
    .map((entries) =>
      entries.flatMap(([key, comments, v]): Item[] => [
        ...comments.map((text): Item => ({ kind: "comment", text })),
        { kind: "entry", key, value: v },
      ]),
    )
export const doc: fc.Arbitrary<Item[]> = fc.letrec<{ val: Val; items: Item[] }>((tie) => ({
  val: fc.oneof(
    { maxDepth: 2, depthIdentifier: "d", withCrossShrink: true },
    scalar,
    tie("items").map((its): Val => ({ kind: "map", items: its })),
  ),
  items: items(tie("val")),
})).items

/** Spec §4, written out: is a leaf (or comment) at `path` with this comment stack sealed? */
export function sealed(
  rule: Rule,
  path: readonly string[],
  stack: readonly (readonly string[])[],
  isComment: boolean,
): boolean {
  const r = rule ?? { kind: "unencrypted_suffix", value: "_unencrypted" }
  const anyKey = (f: (k: string) => boolean): boolean => path.some(f)
  const re = (s: string): boolean => new RegExp(r.value).test(s)
  switch (r.kind) {
    case "unencrypted_suffix":
      return !anyKey((k) => k.endsWith(r.value))
    case "encrypted_suffix":
      return anyKey((k) => k.endsWith(r.value))
    case "unencrypted_regex":
      return !anyKey(re)
    case "encrypted_regex":
      return anyKey(re)
    case "unencrypted_comment_regex":
      return !stack.some((level) => level.some(re))
    case "encrypted_comment_regex":
      // A comment does not seal itself: the innermost level's last comment (itself) is skipped.
      return stack.some((level, i) =>
        (isComment && i === stack.length - 1 ? level.slice(0, -1) : level).some(re),
      )
    default:
      throw new Error(`rule ${r.kind}`)
  }
}

export interface Line {
  readonly text: string
  /** null: structure only (a key with a nested value); else whether the line's value is sealed. */
  readonly sealed: boolean | null
  readonly type: "str" | "int" | "comment"
}

/** The YAML sops writes (indent 4), each line with the oracle's verdict; and the MAC's input. */
export function render(doc: readonly Item[], rule: Rule, macOnly: boolean): { lines: Line[]; mac: string } {
  const lines: Line[] = []
  const h = createHash("sha512")
  if (macOnly) h.update(createHash("sha256").update("sops").digest())
  const walk = (its: readonly Item[], path: string[], stack: string[][], indent: string): void => {
    const level: string[] = []
    stack.push(level)
    for (const it of its) {
      if (it.kind === "comment") {
        level.push(it.text)
        // An empty comment is never sealed (an empty value, spec §2).
        lines.push({
          text: `${indent}#${it.text}`,
          sealed: it.text !== "" && sealed(rule, path, stack, true),
          type: "comment",
        })
        continue
      }
      const p = [...path, it.key]
      const v = it.value
      if (v.kind === "map") {
        lines.push({ text: `${indent}${it.key}:`, sealed: null, type: "str" })
        walk(v.items, p, stack, `${indent}    `)
      } else if (v.kind === "list") {
        lines.push({ text: `${indent}${it.key}:`, sealed: null, type: "str" })
        stack.push([])
        for (const x of v.items) {
          const s = sealed(rule, p, stack, false)
          lines.push({ text: `${indent}    - ${x}`, sealed: s, type: "str" })
          if (!macOnly || s) h.update(x)
        }
        stack.pop()
      } else {
        const s = sealed(rule, p, stack, false) && !(v.kind === "str" && v.v === "")
        const shown = v.kind === "str" && v.v === "" ? '""' : String(v.v)
        lines.push({ text: `${indent}${it.key}: ${shown}`, sealed: s, type: v.kind })
        if (!macOnly || s) h.update(String(v.v))
      }
      level.length = 0
    }
    stack.pop()
  }
  walk(doc, [], [], "")
  return { lines, mac: h.digest("hex").toUpperCase() }
}

const ENC = "ENC\\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]{44},tag:[A-Za-z0-9+/=]{24},type:"

/** The sealed form of one line: its value (or comment) replaced by an envelope of its type. */
export function sealedPattern(line: Line): RegExp {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  const m = /^(\s*)(#|- |[^:]+: )/.exec(line.text)
  return new RegExp(`^${esc(m?.[1] ?? "")}${esc(m?.[2] ?? "")}${ENC}${line.type}\\]$`)
}

export const RULES: { flag: string; rule: Rule }[] = [
  { flag: "", rule: null },
  { flag: "--unencrypted-suffix", rule: { kind: "unencrypted_suffix", value: "_s" } },
  { flag: "--encrypted-suffix", rule: { kind: "encrypted_suffix", value: "_s" } },
  { flag: "--unencrypted-regex", rule: { kind: "unencrypted_regex", value: "^p" } },
  { flag: "--encrypted-regex", rule: { kind: "encrypted_regex", value: "^(p|K)" } },
  { flag: "--unencrypted-comment-regex", rule: { kind: "unencrypted_comment_regex", value: "keep" } },
  { flag: "--encrypted-comment-regex", rule: { kind: "encrypted_comment_regex", value: "seal" } },
]

/** Where the sealed output differs from the oracle: "" when every line is as it says. */
export function mismatch(lines: readonly Line[], sealedText: string): string {
  const out = sealedText.split("\n")
  const body = out.slice(0, out.indexOf("sops:"))
  if (body.length !== lines.length) return `${String(body.length)} lines, expected ${String(lines.length)}`
  for (const [i, l] of lines.entries()) {
    const got = body[i] ?? ""
    const ok = l.sealed === true ? sealedPattern(l).test(got) : got === l.text
    if (!ok)
      return `line ${String(i + 1)}: expected ${l.sealed === true ? "sealed" : "clear"} ${JSON.stringify(l.text)}, got ${JSON.stringify(got)}`
  }
  return ""
}
