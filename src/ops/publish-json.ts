import { isComment, type Branch, type TreeNode } from "../tree/node.js"

export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/**
 * The opened file as the one JSON object sops' `EmitAsMap` gives Vault: the top-level keys of
 * every document merged (a later document's key wins), comments dropped, scalars as JSON values.
 */
export function branchesToJson(branches: readonly Branch[]): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {}
  for (const b of branches) Object.assign(out, toJson(b))
  return out
}

function toJson(node: TreeNode): JsonValue {
  switch (node.kind) {
    case "map": {
      const out: { [key: string]: JsonValue } = {}
      for (const it of node.items) if (!isComment(it)) out[it.key] = toJson(it.value)
      return out
    }
    case "list":
      return node.items.flatMap((it) => (isComment(it) ? [] : [toJson(it)]))
    case "scalar":
      return scalar(node.value)
  }
}

function scalar(v: Extract<TreeNode, { kind: "scalar" }>["value"]): JsonValue {
  switch (v.kind) {
    case "string":
    case "time":
      return v.value
    case "int":
      // Beyond 2^53 a JSON number would be rounded by Vault's reader too; keep the digits.
      return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value.toString()
    case "float":
      return v.value
    case "bool":
      return v.value
    case "null":
      return null
    case "bytes":
      return new TextDecoder().decode(v.value)
  }
}
