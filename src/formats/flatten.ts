import { FormatError } from "../errors.js"
import { entry, list, map, str, type MapEntry, type MapNode, type TreeNode } from "../tree/node.js"
import { text } from "../tree/scalar-text.js"

/**
 * Flat formats (dotenv, INI) store the metadata tree as `key__map_child` / `key__list_<i>`
 * pairs (spec §6.7), depth first in the tree's (already sorted) order; empty lists vanish.
 */
export function flattenMetadata(meta: MapNode, prefix: string): [string, string][] {
  const out: [string, string][] = []
  const walk = (node: TreeNode, key: string): void => {
    if (node.kind === "scalar") {
      out.push([key, text(node) ?? ""])
    } else if (node.kind === "map") {
      for (const it of node.items) if (it.kind === "entry") walk(it.value, `${key}__map_${it.key}`)
    } else {
      let i = 0
      for (const it of node.items) if (it.kind !== "comment") walk(it, `${key}__list_${i++}`)
    }
  }
  for (const it of meta.items) if (it.kind === "entry") walk(it.value, prefix + it.key)
  return out
}

type Building =
  | { kind: "map"; children: Map<string, Building> }
  | { kind: "list"; children: Map<string, Building> }
  | { kind: "leaf"; value: string }

/** sops metadata is four levels deep; a flat key nesting far deeper is damage (or a stack bomb). */
const MAX_METADATA_DEPTH = 32

/** Rebuilds the metadata tree from flat pairs (prefix already removed). @throws FormatError */
export function unflattenMetadata(pairs: readonly (readonly [string, string])[], source: string): MapNode {
  const root: Building = { kind: "map", children: new Map() }
  for (const [key, value] of pairs) {
    const parts = key.split(/__(map|list)_/)
    // parts: [first, kind, name, kind, name, ...]
    if (parts.length > 2 * MAX_METADATA_DEPTH + 1)
      throw new FormatError(source, undefined, "sops metadata nested too deep")
    let node: Building = root
    let name = parts[0] ?? ""
    for (let i = 1; i < parts.length; i += 2) {
      const kind = parts[i] === "list" ? "list" : "map"
      if (node.kind === "leaf")
        throw new FormatError(source, undefined, `sops metadata key ${key} conflicts with another`)
      const existing: Building | undefined = node.children.get(name)
      const next: Building = existing ?? { kind, children: new Map() }
      if (existing === undefined) node.children.set(name, next)
      node = next
      name = parts[i + 1] ?? ""
    }
    if (node.kind === "leaf")
      throw new FormatError(source, undefined, `sops metadata key ${key} conflicts with another`)
    node.children.set(name, { kind: "leaf", value })
  }
  return build(root, source) as MapNode
}

function build(b: Building, source: string): TreeNode {
  if (b.kind === "leaf") return str(b.value)
  if (b.kind === "map") {
    const items: MapEntry[] = [...b.children].map(([k, v]) => entry(k, build(v, source)))
    return map(items)
  }
  const names = [...b.children.keys()]
  // Only canonical decimals: Number("") and Number(" 1") would pass as indices 0 and 1.
  if (!names.every((k) => /^(0|[1-9]\d{0,8})$/.test(k)))
    throw new FormatError(source, undefined, "sops metadata list index is not a number")
  const indices = names.map(Number).sort((x, y) => x - y)
  if (indices.some((n, i) => n !== i))
    throw new FormatError(source, undefined, "sops metadata list indices are not contiguous")
  return list(indices.map((i) => build(b.children.get(String(i)) as Building, source)))
}
