import { BridgeError, ErrorCode } from "../errors.js"
import type { CommentItem, ListItem, MapItem, TreeNode } from "../tree/node.js"

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

/**
 * Walks `steps` from `root`. A list's indices count its comments, as sops' do (a comment in a list
 * is an item of sops' tree), so an index can name a comment.
 * @throws BridgeError EXTRACT_MISSING naming the component
 */
export function extractNode(root: TreeNode, steps: readonly ExtractStep[]): TreeNode | CommentItem {
  let node: TreeNode | CommentItem = root
  for (const step of steps) {
    // Nothing is inside a comment: a further step fails as on a scalar.
    if (node.kind === "comment") throw stepMissing("scalar", step)
    if (step.kind === "key") {
      if (node.kind !== "map") throw stepMissing(node.kind, step)
      const found: MapItem | undefined = node.items.find((it) => it.kind === "entry" && it.key === step.key)
      if (found === undefined || found.kind !== "entry") throw stepMissing(node.kind, step)
      node = found.value
    } else {
      if (node.kind !== "list") throw stepMissing(node.kind, step)
      const next: ListItem | undefined = node.items[step.index]
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
export function nodesUnder(node: TreeNode | CommentItem): Set<object> {
  const out = new Set<object>()
  if (node.kind === "comment") return out.add(node)
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
