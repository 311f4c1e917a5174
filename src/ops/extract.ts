import { BridgeError, ErrorCode } from "../errors.js"
import type { TreeNode } from "../tree/node.js"

/** One step of an `--extract` path: a map key or a list index. */
export type ExtractStep =
  { readonly kind: "key"; readonly key: string } | { readonly kind: "index"; readonly index: number }

/**
 * Parses sops' `--extract` syntax, e.g. `["a"]["b"][0]`: split on `[`, each part must end in `]`;
 * a quoted part is a map key (no escapes), anything else an integer index.
 * @throws BridgeError EXTRACT_SYNTAX (sops exit 91)
 */
export function parseExtractPath(path: string): ExtractStep[] {
  const steps: ExtractStep[] = []
  const parts = path.split("[")
  for (const [i, part] of parts.entries()) {
    if (i === 0) {
      if (part !== "") throw syntax(`component ${part} doesn't start with [`)
      continue
    }
    if (!part.endsWith("]")) throw syntax(`component ${part} doesn't end with ]`)
    const inner = part.slice(0, -1)
    const quote = inner[0]
    if ((quote === '"' || quote === "'") && inner.length >= 2 && inner.endsWith(quote)) {
      steps.push({ kind: "key", key: inner.slice(1, -1) })
    } else if (/^-?\d+$/.test(inner)) {
      steps.push({ kind: "index", index: Number(inner) })
    } else {
      throw syntax(`component ${inner} is neither a quoted key nor an integer index`)
    }
  }
  return steps
}

function syntax(message: string): BridgeError {
  return new BridgeError(ErrorCode.ExtractSyntax, `error parsing --extract path: ${message}`, {
    hint: `write the path as sops does, e.g. --extract '["db"]["password"]' or '["list"][0]'`,
  })
}

/** Walks `steps` from `root`. @throws BridgeError EXTRACT_MISSING naming the component */
export function extractNode(root: TreeNode, steps: readonly ExtractStep[]): TreeNode {
  let node = root
  for (const step of steps) {
    if (step.kind === "key") {
      if (node.kind !== "map") throw stepMissing(node.kind, step)
      const found = node.items.find((it) => it.kind === "entry" && it.key === step.key)
      if (found === undefined || found.kind !== "entry") throw stepMissing(node.kind, step)
      node = found.value
    } else {
      if (node.kind !== "list") throw stepMissing(node.kind, step)
      const values = node.items.filter((it) => it.kind !== "comment")
      const next = values[step.index]
      if (next === undefined) throw stepMissing(node.kind, step)
      node = next
    }
  }
  return node
}

/** extractNode's error when `step` cannot be taken from a node of `kind`. */
export function stepMissing(kind: TreeNode["kind"], step: ExtractStep): BridgeError {
  if (step.kind === "key") return missing(`component ['${step.key}'] not found`)
  if (kind === "list") return missing(`component [${step.index}] accesses out of bounds`)
  return missing(`component [${step.index}] not found`)
}

/** Every leaf and comment object inside `node` (the set unsealTree's `only` takes). */
export function nodesUnder(node: TreeNode): Set<object> {
  const out = new Set<object>()
  const visit = (n: TreeNode): void => {
    if (n.kind === "scalar") {
      out.add(n)
      return
    }
    for (const it of n.items) {
      if (it.kind === "comment") out.add(it)
      else if (it.kind === "entry") visit(it.value)
      else visit(it)
    }
  }
  visit(node)
  return out
}

function missing(message: string): BridgeError {
  return new BridgeError(ErrorCode.ExtractMissing, `error truncating tree: ${message}`, {
    hint: "check the key names with a plain decrypt first",
  })
}
