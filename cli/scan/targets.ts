import { lstat, readdir, readFile } from "node:fs/promises"
import { join, relative, sep } from "node:path"
import ignore, { type Ignore } from "ignore"
import type { Allowlist } from "../../src/index.js"
import { CatFile } from "./cat-file.js"
import { git, spawnGit, splitZ } from "./git.js"

/** One file or blob to scan, or the reason it is not scanned. */
export type TargetItem =
  | { readonly path: string; readonly bytes: Uint8Array; readonly oid?: string }
  | { readonly path: string; readonly skipped: "oversize" | "allowed" }

export interface TargetOptions {
  /** Where reported paths are relative to (the repository root inside a repository). */
  readonly base: string
  readonly maxFileBytes: number
  readonly allow: Allowlist
}

const toPosix = (p: string): string => (sep === "/" ? p : p.split(sep).join("/"))

/**
 * Working-tree files under `paths`. Inside a repository the list is `git ls-files --cached
 * --others --exclude-standard`: git's own answer to .gitignore (nested files, negations,
 * info/exclude, core.excludesFile), which a re-implementation would only approximate. Outside
 * one, a directory walk honours every .gitignore it meets through the `ignore` package.
 */
export async function* worktreeItems(
  paths: readonly string[],
  inRepo: boolean,
  opts: TargetOptions,
): AsyncGenerator<TargetItem> {
  const files = inRepo ? await gitListed(paths, opts.base) : await walkListed(paths, opts.base)
  for (const rel of files) {
    if (opts.allow.pathAllowed(rel)) {
      yield { path: rel, skipped: "allowed" }
      continue
    }
    const abs = join(opts.base, rel)
    let st
    try {
      st = await lstat(abs)
    } catch {
      continue // deleted but still in the index
    }
    if (!st.isFile()) continue // symlinks, submodules
    if (st.size > opts.maxFileBytes) yield { path: rel, skipped: "oversize" }
    else yield { path: rel, bytes: new Uint8Array(await readFile(abs)) }
  }
}

async function gitListed(paths: readonly string[], base: string): Promise<string[]> {
  const out = await git(base, [
    "ls-files",
    "-z",
    "--cached",
    "--others",
    "--exclude-standard",
    "--",
    ...paths,
  ])
  return [...new Set(splitZ(out))].sort()
}

async function walkListed(paths: readonly string[], base: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string, rules: { at: string; ig: Ignore }[]): Promise<void> => {
    let names: string[]
    try {
      names = (await readdir(dir)).sort()
    } catch {
      return
    }
    let mine = rules
    if (names.includes(".gitignore")) {
      const text = await readFile(join(dir, ".gitignore"), "utf8")
      mine = [...rules, { at: dir, ig: ignore().add(text) }]
    }
    for (const name of names) {
      if (name === ".git") continue
      const abs = join(dir, name)
      const st = await lstat(abs)
      const isDir = st.isDirectory()
      const hidden = mine.some((r) => {
        const rel = toPosix(relative(r.at, abs))
        return rel !== "" && !rel.startsWith("..") && r.ig.ignores(isDir ? rel + "/" : rel)
      })
      if (hidden) continue
      if (isDir) await walk(abs, mine)
      else if (st.isFile()) out.push(toPosix(relative(base, abs)))
    }
  }
  for (const p of paths) {
    const abs = join(base, p)
    const st = await lstat(abs).catch(() => null)
    if (st?.isFile() === true) out.push(toPosix(relative(base, abs)))
    else if (st?.isDirectory() === true) await walk(abs, [])
  }
  return [...new Set(out)].sort()
}

/**
 * The staged version of every added, copied, modified or renamed file (`git diff --cached`),
 * read from the index through one `git cat-file --batch`. Whole blobs, not diff lines: the
 * GitOps checks judge a file as a whole (is it sealed, does its rule hold).
 */
export async function* stagedItems(opts: TargetOptions): AsyncGenerator<TargetItem> {
  const listed = splitZ(
    await git(opts.base, ["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR", "--no-renames"]),
  )
  const sizes = await indexSizes(opts.base, listed)
  const cat = new CatFile(opts.base)
  try {
    for (const path of listed) {
      if (opts.allow.pathAllowed(path)) {
        yield { path, skipped: "allowed" }
        continue
      }
      const entry = sizes.get(path)
      if (entry === undefined) continue // gitlink
      if (entry.size > opts.maxFileBytes) {
        yield { path, skipped: "oversize" }
        continue
      }
      const [rec] = await cat.read([entry.oid])
      if (rec?.bytes != null) yield { path, bytes: rec.bytes, oid: entry.oid }
    }
  } finally {
    await cat.close()
  }
}

async function indexSizes(
  base: string,
  paths: readonly string[],
): Promise<Map<string, { oid: string; size: number }>> {
  const out = new Map<string, { oid: string; size: number }>()
  if (paths.length === 0) return out
  // ls-files -s: "<mode> <oid> <stage>\t<path>"; then sizes from one batch-check.
  const entries = splitZ(await git(base, ["ls-files", "-s", "-z", "--", ...paths])).flatMap((l) => {
    const m = /^(\d+) ([0-9a-f]+) \d\t(.*)$/s.exec(l)
    return m === null || m[1] === "160000" ? [] : [{ oid: m[2] ?? "", path: m[3] ?? "" }]
  })
  const check = await gitWithInput(
    base,
    ["cat-file", "--batch-check=%(objectname) %(objectsize)"],
    entries.map((e) => e.oid).join("\n") + "\n",
  )
  const sizeOf = new Map(
    check
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => {
        const [oid = "", size = "0"] = l.split(" ")
        return [oid, Number(size)] as const
      }),
  )
  for (const e of entries) out.set(e.path, { oid: e.oid, size: sizeOf.get(e.oid) ?? 0 })
  return out
}

async function gitWithInput(cwd: string, args: readonly string[], input: string): Promise<string> {
  const child = spawnGit(cwd, args)
  const chunks: Buffer[] = []
  child.stdout.on("data", (d: Buffer) => chunks.push(d))
  child.stdin.end(input)
  await child.done
  return Buffer.concat(chunks).toString("utf8")
}

/** Every `.sops.yaml` of the tree (working-tree versions), repo-relative. */
export async function sopsConfigPaths(inRepo: boolean, base: string): Promise<string[]> {
  if (inRepo) {
    const out = await git(base, [
      "ls-files",
      "-z",
      "--cached",
      "--others",
      "--exclude-standard",
      "--",
      ":(glob)**/.sops.yaml",
    ])
    return splitZ(out)
  }
  return (await walkListed(["."], base)).filter((p) => p === ".sops.yaml" || p.endsWith("/.sops.yaml"))
}

/** How many items a worktree scan will yield (for the progress bar). */
export async function worktreeCount(
  paths: readonly string[],
  inRepo: boolean,
  base: string,
): Promise<number> {
  return (inRepo ? await gitListed(paths, base) : await walkListed(paths, base)).length
}
