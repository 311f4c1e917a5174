import { BridgeError, ErrorCode } from "../errors.js"
import { formats } from "../formats/registry.js"
import {
  entry,
  float,
  list,
  map,
  type Branch,
  type ListItem,
  type MapEntry,
  type MapItem,
  type MapNode,
  type TreeNode,
} from "../tree/node.js"
import type { ExtractStep } from "./extract.js"

const utf8 = new TextEncoder()

/**
 * Parses the value of `set` as sops does: JSON; a bare number becomes a float (Go's
 * encoding/json), while numbers inside objects and arrays keep the int/float distinction.
 * @throws BridgeError SET_FORMAT when the text is not one JSON value
 */
export function parseSetValue(json: string): TreeNode {
  let wrapped: Branch[]
  let bare: unknown
  try {
    wrapped = formats.json.parse(utf8.encode(`{"v": ${json}}`), "value")
    // sops reads the value with Go's encoding/json first: one JSON value and nothing else (the
    // wrapper alone would take `1, "k": 2` or `1} x` as 1), and numbers a float64 holds.
    bare = JSON.parse(json, float64Only)
  } catch (err) {
    throw new BridgeError(ErrorCode.SetFormat, "the value to set is not valid JSON", {
      cause: err,
      hint: `quote strings as JSON, e.g. '"s3cret"'`,
    })
  }
  // Go's float64, -0 included.
  if (typeof bare === "number") return float(bare)
  // JSON.parse took exactly one value, so the wrapper is one map holding the one entry `v`.
  return ((wrapped[0] as Branch).items[0] as MapEntry).value
}

/** Go: "cannot unmarshal number 1e999 into Go value of type float64". */
function float64Only(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) throw new RangeError("number out of the float64 range")
  return v
}

/** Returns a copy of `root` with the value at `steps` set, creating missing maps on the way. */
export function setAt(root: TreeNode, steps: readonly ExtractStep[], value: TreeNode): TreeNode {
  const [step, ...rest] = steps
  if (step === undefined) return value
  if (step.kind === "key") {
    const items: MapItem[] = root.kind === "map" ? [...root.items] : []
    const at = entryAt(items, step.key)
    const found = items[at]
    const next = entry(step.key, setAt(found?.kind === "entry" ? found.value : map([]), rest, value))
    if (at === -1) items.push(next)
    else items[at] = next
    return map(items)
  }
  const items: ListItem[] = root.kind === "list" ? [...root.items] : []
  const hit = nthValue(items, step.index)
  if (hit === undefined) items.push(setAt(map([]), rest, value))
  else items[hit.at] = setAt(hit.node, rest, value)
  return list(items)
}

/** Returns a copy of `root` without the value at `steps`. @throws EXTRACT_MISSING when absent */
export function unsetAt(root: TreeNode, steps: readonly ExtractStep[]): TreeNode {
  const [step, ...rest] = steps
  if (step === undefined) return root
  const last = rest.length === 0
  if (step.kind === "key") {
    const at = root.kind === "map" ? entryAt(root.items, step.key) : -1
    if (at === -1) throw missing(`['${step.key}']`)
    // Found in a map: the item at `at` is the entry.
    const items = [...(root as MapNode).items]
    if (last) items.splice(at, 1)
    else items[at] = entry(step.key, unsetAt((items[at] as MapEntry).value, rest))
    return map(items)
  }
  const items: ListItem[] = root.kind === "list" ? [...root.items] : []
  const hit = nthValue(items, step.index)
  if (hit === undefined) throw missing(`[${step.index}]`)
  if (last) items.splice(hit.at, 1)
  else items[hit.at] = unsetAt(hit.node, rest)
  return list(items)
}

const missing = (label: string): BridgeError =>
  new BridgeError(ErrorCode.ExtractMissing, `component ${label} not found`)

/** The place of the entry `key` among a map's items, or -1. */
function entryAt(items: readonly MapItem[], key: string): number {
  return items.findIndex((it) => it.kind === "entry" && it.key === key)
}

/**
 * The `n`-th item of a list, comments counted as sops counts them (a comment in a list is an item
 * of sops' tree: `set` on its index replaces it, `unset` removes it).
 */
function nthValue(items: readonly ListItem[], n: number): { at: number; node: TreeNode } | undefined {
  const it = items[n]
  if (it === undefined) return undefined
  // Replaced by what is set below it, as sops replaces a leaf there.
  return { at: n, node: it.kind === "comment" ? map([]) : it }
}
