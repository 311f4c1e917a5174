import { BridgeError, ErrorCode } from "../errors.js"
import type { WrappedKey } from "../keys/backend.js"
import { bool, entry, int, list, map, str, type MapEntry, type MapNode, type TreeNode } from "../tree/node.js"
import { readKeyEntry, writeKeyEntry } from "./metadata-keys.js"
import { text } from "../tree/scalar-text.js"
import { RuleKind, type SealMetadata, type SelectionRule } from "./metadata-types.js"

const KEY_LISTS = ["age", "azure_kv", "gcp_kms", "hc_vault", "hckms", "kms", "pgp"] as const
type KeyList = (typeof KEY_LISTS)[number]

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const sorted = (entries: MapEntry[]): MapNode => map([...entries].sort((a, b) => byteOrder(a.key, b.key)))

/** The `sops` block as sops 3.13 writes it: every map with its keys in byte-wise order. */
export function metadataToTree(m: SealMetadata): MapNode {
  const out: MapEntry[] = []
  if (m.keyGroups.length === 1) {
    out.push(...groupEntries(m.keyGroups[0] ?? [], false))
  } else {
    out.push(entry("key_groups", list(m.keyGroups.map((g) => sorted(groupEntries(g, true))))))
  }
  out.push(entry("lastmodified", str(m.lastModified)), entry("mac", str(m.mac)))
  if (m.macOnlyEncrypted) out.push(entry("mac_only_encrypted", bool(true)))
  if (m.shamirThreshold !== 0) out.push(entry("shamir_threshold", int(BigInt(m.shamirThreshold))))
  if (m.rule !== null) out.push(entry(m.rule.kind, str(m.rule.value)))
  out.push(entry("version", str(m.version)))
  return sorted(out)
}

function groupEntries(keys: readonly WrappedKey[], inGroup: boolean): MapEntry[] {
  const lists = new Map<KeyList, TreeNode[]>()
  for (const k of keys) {
    const name: KeyList = k.kind
    lists.set(name, [...(lists.get(name) ?? []), writeKeyEntry(k)])
  }
  const out: MapEntry[] = []
  for (const name of KEY_LISTS) {
    const items = lists.get(name) ?? []
    // Inside key_groups sops 3.13 always writes age and hc_vault, even empty.
    if (items.length > 0 || (inGroup && (name === "age" || name === "hc_vault")))
      out.push(entry(name, list(items)))
  }
  return out
}

/**
 * Reads a `sops` block in any key order, with `null` or `[]` for absent lists and unknown keys
 * ignored, as every sops version since 3.0 wrote it.
 * @throws BridgeError FORMAT for a malformed block, NO_KEY when it names no key at all
 */
export function metadataFromTree(node: MapNode, source: string): SealMetadata {
  const field = (key: string): TreeNode | undefined => {
    for (const it of node.items) if (it.kind === "entry" && it.key === key) return it.value
    return undefined
  }
  const where = (key: string): string => `${source}: sops metadata: ${key}`
  const groupsNode = field("key_groups")
  let keyGroups: WrappedKey[][]
  if (groupsNode !== undefined && groupsNode.kind === "list" && groupsNode.items.length > 0) {
    keyGroups = groupsNode.items.flatMap((g, i) =>
      g.kind === "map" ? [readGroup(g, `${where("key_groups")}[${i}]`)] : [],
    )
  } else {
    keyGroups = [readGroup(node, where("keys"))]
  }
  if (keyGroups.every((g) => g.length === 0)) {
    throw new BridgeError(ErrorCode.NoKey, `${source}: no keys found in file`, {
      hint: "the sops metadata names no master key",
    })
  }
  const version = text(field("version"))
  if (version === undefined || !/^\d+\.\d+(\.\d+)?/.test(version)) {
    throw new BridgeError(ErrorCode.Format, `${where("version")}: missing or not a version number`)
  }
  const lastModified = text(field("lastmodified"))
  if (lastModified === undefined) throw new BridgeError(ErrorCode.Format, `${where("lastmodified")}: missing`)
  const rules: SelectionRule[] = []
  for (const kind of Object.values(RuleKind)) {
    const v = text(field(kind))
    if (v !== undefined && v !== "") rules.push({ kind, value: v })
  }
  if (rules.length > 1)
    throw new BridgeError(ErrorCode.Format, `${source}: sops metadata holds more than one selection rule`)
  const threshold = text(field("shamir_threshold"))
  return {
    keyGroups,
    shamirThreshold: threshold === undefined || threshold === "" ? 0 : Number(threshold),
    lastModified,
    mac: text(field("mac")) ?? "",
    rule: rules[0] ?? null,
    macOnlyEncrypted: ["true", "True", "TRUE", "1"].includes(text(field("mac_only_encrypted")) ?? ""),
    version,
  }
}

function readGroup(group: MapNode, where: string): WrappedKey[] {
  const keys: WrappedKey[] = []
  for (const it of group.items) {
    if (it.kind !== "entry" || !(KEY_LISTS as readonly string[]).includes(it.key)) continue
    if (it.value.kind !== "list") continue // null or missing list
    for (const [i, e] of it.value.items.entries()) {
      if (e.kind !== "map") continue
      keys.push(readKeyEntry(it.key, e, `${where}.${it.key}[${i}]`))
    }
  }
  return keys
}
