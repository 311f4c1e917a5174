/**
 * The name of sealbridge's temp files, so that leftovers (after SIGKILL or power loss) can be
 * recognised by `.gitignore` patterns, by the scanner and by the next run on the same file:
 * `.<name>.sealbridge-tmp-<pid>-<hex>` beside the target, `sealbridge-edit-<pid>-<hex>` for the
 * private directory `edit` works in. The pid lets a later run tell a dead writer's file from a
 * live one's.
 */
export const TEMP_INFIX = ".sealbridge-tmp-"
export const EDIT_DIR_PREFIX = "sealbridge-edit-"

/** The `.gitignore` patterns that cover every temp file sealbridge can leave behind. */
export const TEMP_GITIGNORE_PATTERNS = [`.*${TEMP_INFIX}*`, `${EDIT_DIR_PREFIX}*`] as const

export function tempFileName(base: string, pid: number, hex: string): string {
  return `.${base}${TEMP_INFIX}${String(pid)}-${hex}`
}

export function editDirName(pid: number, hex: string): string {
  return `${EDIT_DIR_PREFIX}${String(pid)}-${hex}`
}

const TEMP_RE = /^\.(.+)\.sealbridge-tmp-(\d+)-[0-9a-f]+$/
const EDIT_RE = /^sealbridge-edit-(\d+)-[0-9a-f]+$/

/** Parses a temp file name: the target's base name and the writer's pid, or null when not one. */
export function parseTempFileName(name: string): { base: string; pid: number } | null {
  const m = TEMP_RE.exec(name)
  if (m === null) return null
  return { base: m[1] ?? "", pid: Number(m[2]) }
}

/** The pid in an `edit` directory name, or null when the name is not one. */
export function parseEditDirName(name: string): number | null {
  const m = EDIT_RE.exec(name)
  return m === null ? null : Number(m[1])
}

/** True for any name sealbridge gives a temp file or directory (for scanners and hooks). */
export function isSealbridgeTempName(name: string): boolean {
  return parseTempFileName(name) !== null || parseEditDirName(name) !== null
}
