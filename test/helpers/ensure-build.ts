import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const repo = fileURLToPath(new URL("../../", import.meta.url))

/** Newest modification time of the .ts files under `dir`. */
function newest(dir: string): number {
  let max = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) max = Math.max(max, newest(p))
    else if (entry.name.endsWith(".ts")) max = Math.max(max, statSync(p).mtimeMs)
  }
  return max
}

/**
 * vitest globalSetup: tests that run the shipped CLI (`dist/cli/main.js`) must never test a stale
 * build, so dist is rebuilt when any source is newer than it (or it is missing).
 */
export default function setup(): void {
  const main = join(repo, "dist/cli/main.js")
  const built = existsSync(main) ? statSync(main).mtimeMs : 0
  if (built >= Math.max(newest(join(repo, "src")), newest(join(repo, "cli")))) return
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: repo, stdio: "inherit" })
  if (r.status !== 0) throw new Error("npm run build failed: the CLI tests need dist/")
}
