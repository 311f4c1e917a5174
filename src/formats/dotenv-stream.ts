import { FormatError } from "../errors.js"
import type { Branch, MapItem } from "../tree/node.js"
import type { StreamWalker } from "../tree/stream-walk.js"
import { DOTENV_PREFIX, dotenvComment, dotenvEntry, parseDotenv } from "./dotenv.js"
import type { PieceSink } from "./piece-sink.js"

/**
 * The lines of a plain dotenv file for the one-pass seal, read as the tree path reads them, or
 * null when the tree path must take the file: a line without `=` (it reports the error) or a
 * `sops_` key (already sealed).
 */
export function plainDotenvItems(input: Uint8Array): readonly MapItem[] | null {
  let branch: Branch
  try {
    branch = parseDotenv(input, "dotenv")
  } catch (err) {
    if (err instanceof FormatError) return null
    throw err
  }
  for (const it of branch.items) if (it.kind === "entry" && it.key.startsWith(DOTENV_PREFIX)) return null
  return branch.items
}

/**
 * Writes `items` into `sink` as the dotenv writer writes them, each value and comment first
 * through `walker` (sealed, or opened): the tree path's walk over a flat map, without the tree.
 * @throws FormatError for a nested value (none come from a dotenv file)
 */
export function streamDotenv(items: readonly MapItem[], walker: StreamWalker, sink: PieceSink): void {
  walker.open("map")
  for (const it of items) {
    if (it.kind === "comment") {
      sink.add(dotenvComment(walker.comment(it.text)))
      continue
    }
    if (it.value.kind !== "scalar")
      throw new FormatError("dotenv", undefined, `cannot write nested value ${it.key} in dotenv format`)
    walker.key(it.key)
    const value = walker.leaf(it.value.value)
    walker.item(true)
    sink.add(dotenvEntry(it.key, value))
  }
  walker.close()
}
