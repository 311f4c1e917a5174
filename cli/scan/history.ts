import { createInterface } from "node:readline"
import type { Allowlist } from "../../src/index.js"
import { CatFile } from "./cat-file.js"
import { spawnGit } from "./git.js"
import type { TargetItem } from "./targets.js"

export interface HistoryOptions {
  readonly base: string
  /** e.g. `main..feature`; absent: every ref (`--all`). */
  readonly range: string | undefined
  readonly maxFileBytes: number
  readonly allow: Allowlist
  /** Blobs read per cat-file round trip: bounds memory. */
  readonly batch?: number
}

export interface HistoryStats {
  commits: number
}

const revArgs = (range: string | undefined): string[] =>
  range === undefined || range.trim() === "" ? ["--all"] : range.trim().split(/\s+/)

/**
 * Every unique blob reachable in `range`, read once: `git rev-list --objects` names each object
 * once (with the first path it was seen under), `git cat-file --batch-check` gives type and size
 * so oversize blobs are never read, and one `git cat-file --batch` reads the rest in batches.
 * Memory stays flat in the number of commits: nothing but the current batch is held.
 */
export async function* historyItems(opts: HistoryOptions, stats: HistoryStats): AsyncGenerator<TargetItem> {
  const revList = spawnGit(opts.base, ["rev-list", "--objects", ...revArgs(opts.range)])
  const check = spawnGit(opts.base, [
    "cat-file",
    "--batch-check=%(objecttype) %(objectname) %(objectsize) %(rest)",
  ])
  revList.stdout.pipe(check.stdin)
  // Observed now, awaited after the stream: a bad range must not surface as an unhandled rejection.
  const finished = Promise.all([revList.done, check.done])
  finished.catch(() => undefined)
  const cat = new CatFile(opts.base)
  const size = opts.batch ?? 64
  let batch: { oid: string; path: string }[] = []
  const flush = async function* (): AsyncGenerator<TargetItem> {
    const recs = await cat.read(batch.map((b) => b.oid))
    for (const [i, r] of recs.entries()) {
      const b = batch[i]
      if (b !== undefined && r.bytes !== null) yield { path: b.path, bytes: r.bytes, oid: b.oid }
    }
    batch = []
  }
  try {
    for await (const line of createInterface({ input: check.stdout, crlfDelay: Infinity })) {
      const m = /^(\w+) ([0-9a-f]+) (\d+) ?(.*)$/.exec(line)
      if (m === null) continue
      const [, type, oid = "", bytes = "0", path = ""] = m
      if (type === "commit") stats.commits++
      if (type !== "blob") continue
      if (opts.allow.pathAllowed(path)) yield { path, skipped: "allowed" }
      else if (Number(bytes) > opts.maxFileBytes) yield { path, skipped: "oversize" }
      else {
        batch.push({ oid, path })
        if (batch.length >= size) yield* flush()
      }
    }
    await finished
    if (batch.length > 0) yield* flush()
  } finally {
    revList.kill()
    check.kill()
    await cat.close().catch(() => undefined)
  }
}

/**
 * The commit that introduced each of `oids` (and the path it came in under): one
 * `git log --raw --reverse` over the same range, keeping only the blobs asked about, so it costs
 * nothing when a scan finds nothing. Blobs first seen in a merge resolution stay unattributed.
 */
export async function introducingCommits(
  base: string,
  range: string | undefined,
  oids: ReadonlySet<string>,
): Promise<Map<string, { commit: string; path: string }>> {
  const out = new Map<string, { commit: string; path: string }>()
  if (oids.size === 0) return out
  const log = spawnGit(base, [
    "log",
    "--raw",
    "--no-abbrev",
    "--no-renames",
    "--reverse",
    "--format=commit %H",
    ...revArgs(range),
  ])
  let commit = ""
  try {
    for await (const line of createInterface({ input: log.stdout, crlfDelay: Infinity })) {
      if (line.startsWith("commit ")) commit = line.slice(7)
      else if (line.startsWith(":")) {
        const tab = line.indexOf("\t")
        const fields = line.slice(1, tab).split(" ")
        const oid = fields[3] ?? ""
        if (oids.has(oid) && !out.has(oid)) out.set(oid, { commit, path: line.slice(tab + 1) })
      }
    }
    await log.done
  } finally {
    log.kill()
  }
  return out
}
