/**
 * A leaf's path is the list of map keys from the root; list indices are not part of it
 * (sops spec §3). The AAD binds each sealed value to that path, so a value moved to another
 * key no longer opens.
 */
export type TreePath = readonly string[]

/** `join(path, ":") + ":"`, the additional authenticated data sops uses for a value. */
export function aad(path: TreePath): string {
  let out = ""
  for (const key of path) out += key + ":"
  return out
}

/** Comments are bound to their container's path; at the top level sops uses ":". */
export function commentAad(path: TreePath): string {
  return path.length === 0 ? ":" : aad(path)
}
