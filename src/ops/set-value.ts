import { BridgeError, ErrorCode } from "../errors.js"
import { formats } from "../formats/registry.js"
import { entry, list, map, type Branch, type ListItem, type MapItem, type TreeNode } from "../tree/node.js"
import type { ExtractStep } from "./extract.js"

const utf8 = new TextEncoder()

/**
 * Parses the value of `set` as sops does: JSON; a bare number becomes a float (Go's
 * encoding/json), while numbers inside objects and arrays keep the int/float distinction.
 * @throws BridgeError USAGE when the text is not JSON
 */
export function parseSetValue(json: string): TreeNode {
  let wrapped: Branch[]
  try {
    wrapped = formats.json.parse(utf8.encode(`{"v": ${json}}`), "value")
  } catch (err) {
    throw new BridgeError(ErrorCode.SetFormat, "the value to set is not valid JSON", {
      cause: err,
      hint: `quote strings as JSON, e.g. '"s3cret"'`,
    })
  }
  const first = wrapped[0]?.items[0]
  if (first === undefined || first.kind !== "entry")
    throw new BridgeError(ErrorCode.SetFormat, "the value to set is empty")
  const v = first.value
  if (v.kind === "scalar" && v.value.kind === "int")
    return { kind: "scalar", value: { kind: "float", value: Number(v.value.value) } }
  return v
}

/** Returns a copy of `root` with the value at `steps` set, creating missing maps on the way. */
export function setAt(root: TreeNode, steps: readonly ExtractStep[], value: TreeNode): TreeNode {
  const [step, ...rest] = steps
  if (step === undefined) return value
  if (step.kind === "key") {
    const items: MapItem[] = root.kind === "map" ? [...root.items] : []
    const at = items.findIndex((it) => it.kind === "entry" && it.key === step.key)
    const current = at === -1 ? undefined : items[at]
    const child = current !== undefined && current.kind === "entry" ? current.value : map([])
    const next = entry(step.key, setAt(child, rest, value))
    if (at === -1) items.push(next)
    else items[at] = next
    return map(items)
  }
  const items: ListItem[] = root.kind === "list" ? [...root.items] : []
  const positions = items.flatMap((it, i) => (it.kind === "comment" ? [] : [i]))
  const pos = positions[step.index]
  if (pos === undefined) {
    items.push(setAt(map([]), rest, value))
  } else {
    const old = items[pos]
    items[pos] = setAt(old !== undefined && old.kind !== "comment" ? old : map([]), rest, value)
  }
  return list(items)
}

/** Returns a copy of `root` without the value at `steps`. @throws EXTRACT_MISSING when absent */
export function unsetAt(root: TreeNode, steps: readonly ExtractStep[]): TreeNode {
  const [step, ...rest] = steps
  if (step === undefined) return root
  const last = rest.length === 0
  if (step.kind === "key" && root.kind === "map") {
    const at = root.items.findIndex((it) => it.kind === "entry" && it.key === step.key)
    const found = root.items[at]
    if (found !== undefined && found.kind === "entry") {
      const items = [...root.items]
      if (last) items.splice(at, 1)
      else items[at] = entry(step.key, unsetAt(found.value, rest))
      return map(items)
    }
  }
  if (step.kind === "index" && root.kind === "list") {
    const positions = root.items.flatMap((it, i) => (it.kind === "comment" ? [] : [i]))
    const pos = positions[step.index]
    const found = pos === undefined ? undefined : root.items[pos]
    if (pos !== undefined && found !== undefined && found.kind !== "comment") {
      const items = [...root.items]
      if (last) items.splice(pos, 1)
      else items[pos] = unsetAt(found, rest)
      return list(items)
    }
  }
  const label = step.kind === "key" ? `['${step.key}']` : `[${step.index}]`
  throw new BridgeError(ErrorCode.ExtractMissing, `component ${label} not found`)
}
