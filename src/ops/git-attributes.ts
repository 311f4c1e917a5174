/**
 * The block `sealbridge git setup` keeps in `.git/info/attributes` (local to the clone, never
 * committed): one line per sealed file, so `git diff` runs them through the textconv driver.
 * Pure text functions; the CLI does the git and file work.
 */
export const GIT_DRIVER = "sealbridge"
const BEGIN = "# >>> sealbridge git setup (remove with: sealbridge git setup --undo)"
const END = "# <<< sealbridge git setup"

/** gitattributes quoting: a path with spaces or specials is written as a C-style quoted string. */
function attrPath(path: string): string {
  const anchored = "/" + path.replace(/^\/+/, "")
  return /[\s"\\#]/.test(anchored) ? JSON.stringify(anchored) : anchored
}

/** `existing` with the sealbridge block replaced by one for `files` (repository-relative, / separated). */
export function withAttributesBlock(existing: string, files: readonly string[]): string {
  const kept = withoutAttributesBlock(existing)
  const lines = [...files].sort().map((f) => `${attrPath(f)} diff=${GIT_DRIVER}`)
  const block = [BEGIN, ...lines, END].join("\n") + "\n"
  return kept === "" ? block : (kept.endsWith("\n") ? kept : kept + "\n") + block
}

/** `existing` without the sealbridge block (anything else in the file is kept as it was). */
export function withoutAttributesBlock(existing: string): string {
  const start = existing.indexOf(BEGIN)
  if (start === -1) return existing
  const endAt = existing.indexOf(END, start)
  const stop =
    endAt === -1 ? existing.length : endAt + END.length + (existing[endAt + END.length] === "\n" ? 1 : 0)
  return existing.slice(0, start) + existing.slice(stop)
}
