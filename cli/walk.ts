import { readdir } from "node:fs/promises"
import { join } from "node:path"

const SKIP_DIRS = new Set([".git", "node_modules", ".hg", ".svn"])

/** Every regular file under `root` (symlinks not followed; VCS and node_modules skipped), sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name)
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await walk(p)
      else if (e.isFile()) out.push(p)
    }
  }
  await walk(root)
  return out
}
