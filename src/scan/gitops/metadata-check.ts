import { isBridgeError } from "../../errors.js"
import { metadataFromTree } from "../../seal/metadata.js"
import { RuleKind, type SelectionRule } from "../../seal/metadata-types.js"
import { text } from "../../tree/scalar-text.js"
import type { MapNode, TreeNode } from "../../tree/node.js"
import { envelopeProblem } from "./envelope-check.js"

const KEY_LISTS = ["age", "azure_kv", "gcp_kms", "hc_vault", "hckms", "kms", "pgp"]

export interface MetadataReport {
  /** Problems with the block, each a short phrase naming the field (never a value). */
  readonly problems: readonly { readonly field: string; readonly problem: string }[]
  /** The selection rule the file was sealed with; null: sops' default. */
  readonly rule: SelectionRule | null
  /** Age recipients and PGP fingerprints the file is sealed for. */
  readonly recipients: readonly string[]
}

/**
 * Checks a `sops` block without any key: a MAC that is a well-formed envelope, `lastmodified`,
 * `version`, and at least one master key with a non-empty wrapped data key. The sealing core's
 * reader decides what it accepts; the rest is looked at on the raw tree so one broken field
 * does not hide the others.
 */
export function checkMetadata(meta: MapNode, source: string): MetadataReport {
  const problems: { field: string; problem: string }[] = []
  const field = (key: string): TreeNode | undefined => {
    for (const it of meta.items) if (it.kind === "entry" && it.key === key) return it.value
    return undefined
  }
  const mac = text(field("mac")) ?? ""
  if (mac === "") problems.push({ field: "mac", problem: "missing MAC" })
  else {
    const p = envelopeProblem(mac)
    if (p !== null) problems.push({ field: "mac", problem: `MAC is malformed: ${p}` })
  }
  if (text(field("lastmodified")) === undefined)
    problems.push({ field: "lastmodified", problem: "missing lastmodified" })
  if (text(field("version")) === undefined) problems.push({ field: "version", problem: "missing version" })
  const keys = wrappedKeys(meta)
  if (keys.length === 0) problems.push({ field: "recipients", problem: "no master key (recipient) recorded" })
  else if (keys.every((k) => k.enc === ""))
    problems.push({ field: "recipients", problem: "no wrapped data key" })
  let rule: SelectionRule | null = rawRule(field)
  try {
    rule = metadataFromTree(meta, source).rule
  } catch (err) {
    // The checks above name the usual causes; otherwise the reader's own phrase (never a value).
    const msg = isBridgeError(err) ? err.message.replace(`${source}: `, "") : "unreadable metadata"
    if (problems.length === 0) problems.push({ field: "sops", problem: msg })
  }
  return { problems, rule, recipients: keys.flatMap((k) => (k.id === "" ? [] : [k.id])) }
}

function rawRule(field: (k: string) => TreeNode | undefined): SelectionRule | null {
  for (const kind of Object.values(RuleKind)) {
    const v = text(field(kind))
    if (v !== undefined && v !== "") return { kind, value: v }
  }
  return null
}

interface RawKey {
  readonly id: string
  readonly enc: string
}

function wrappedKeys(meta: MapNode): RawKey[] {
  const groups: MapNode[] = [meta]
  for (const it of meta.items) {
    if (it.kind === "entry" && it.key === "key_groups" && it.value.kind === "list")
      for (const g of it.value.items) if (g.kind === "map") groups.push(g)
  }
  const out: RawKey[] = []
  for (const g of groups) {
    for (const it of g.items) {
      if (it.kind !== "entry" || !KEY_LISTS.includes(it.key) || it.value.kind !== "list") continue
      for (const e of it.value.items) {
        if (e.kind !== "map") continue
        const get = (k: string): string => {
          for (const f of e.items) if (f.kind === "entry" && f.key === k) return text(f.value) ?? ""
          return ""
        }
        out.push({ id: get("recipient") || get("fp") || get("arn"), enc: get("enc") })
      }
    }
  }
  return out
}
