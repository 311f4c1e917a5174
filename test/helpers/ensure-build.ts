import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const repo = fileURLToPath(new URL("../../", import.meta.url))

/** What the build reads: every source tree that ends up in dist/, and the build's own inputs. */
export const BUILD_INPUTS = [
  "src",
  "cli",
  "controller",
  "scripts/bundle.mjs",
  "scripts/banner.mjs",
  "scripts/lazy-vendor.mjs",
  "scripts/debarrel.mjs",
  "tsconfig.build.json",
  "package-lock.json",
] as const

/** What the tests run: the bundled CLI, its launcher and scan worker, and the library build. */
export const BUILD_OUTPUTS = [
  "dist/cli/main.js",
  "dist/cli/bin.js",
  "dist/cli/scan-worker.js",
  "dist/src/index.js",
] as const

/** Newest modification time of the sources (.ts, .mjs, .json) under `path` (or of the file). */
export function newest(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let max = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name)
    if (entry.isDirectory()) max = Math.max(max, newest(p))
    else if (/\.(ts|mjs|json)$/.test(entry.name)) max = Math.max(max, statSync(p).mtimeMs)
  }
  return max
}

/**
 * Whether dist/ is older than anything it is built from (or missing), under `root`. The oldest
 * output counts: a build that stopped half way leaves some outputs new and others stale.
 */
export function isStale(root: string): boolean {
  const outputs = BUILD_OUTPUTS.map((o) => join(root, o))
  if (!outputs.every((o) => existsSync(o))) return true
  const built = Math.min(...outputs.map((o) => statSync(o).mtimeMs))
  const source = Math.max(
    ...BUILD_INPUTS.map((i) => join(root, i))
      .filter(existsSync)
      .map(newest),
  )
  return built < source
}

/**
 * vitest globalSetup (unit and integration projects): tests that run the shipped CLI must never
 * test a stale build, so dist is rebuilt when any build input is newer than it (or it is missing),
 * and the run fails if the build fails or still leaves dist older than its sources.
 */
export default function setup(): void {
  if (!isStale(repo)) return
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: repo, stdio: "inherit" })
  if (r.status !== 0) throw new Error("npm run build failed: the CLI tests need dist/")
  if (isStale(repo)) throw new Error("dist/ is still older than its sources after npm run build")
}
