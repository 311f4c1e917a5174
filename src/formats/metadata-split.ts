import { FormatError } from "../errors.js"
import { map, type Branch, type MapNode } from "../tree/node.js"
import type { SealedFile } from "./format.js"

/**
 * Takes the top-level `sops` entry out of every branch (YAML keeps one per document); the
 * metadata is read from the first branch that has it. Two `sops` entries in one branch is an error.
 */
export function splitTopLevel(branches: readonly Branch[], source: string): SealedFile {
  let metadata: MapNode | null = null
  const out = branches.map((b) => {
    const found = b.items.filter((it) => it.kind === "entry" && it.key === "sops")
    if (found.length > 1) throw new FormatError(source, undefined, "more than one sops metadata entry")
    const meta = found[0]
    if (meta !== undefined && meta.kind === "entry" && metadata === null) {
      if (meta.value.kind !== "map")
        throw new FormatError(source, undefined, "the sops entry is not a mapping")
      metadata = meta.value
    }
    return map(b.items.filter((it) => !(it.kind === "entry" && it.key === "sops")))
  })
  return { branches: out, metadata }
}
