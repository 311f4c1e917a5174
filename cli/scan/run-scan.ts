import { availableParallelism } from "node:os"
import { join, resolve } from "node:path"
import {
  BridgeError,
  ErrorCode,
  allowlistOf,
  applyBaseline,
  defaultScanConfig,
  formatBaseline,
  formatJson,
  formatSarif,
  formatText,
  makeBaseline,
  parseBaseline,
  parseScanConfig,
  parseSopsConfig,
  sortFindings,
  SCAN_CONFIG_FILE,
  type Finding,
  type GitopsContext,
  type ScanConfig,
  type SopsConfig,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { createScanPool } from "../scan-pool.js"
import { repoRoot } from "./git.js"
import { historyItems, introducingCommits, type HistoryStats } from "./history.js"
import { createProgress } from "./progress.js"
import { sopsConfigPaths, stagedItems, worktreeCount, worktreeItems, type TargetItem } from "./targets.js"

export interface ScanFlags {
  readonly staged?: boolean
  /** `--git` alone is true; `--git RANGE` the range */
  readonly git?: boolean | string
  readonly stdin?: boolean
  readonly stdinPath?: string
  readonly format?: string
  readonly output?: string
  readonly baseline?: string
  readonly writeBaseline?: string
  readonly config?: string
  readonly jobs?: string
  readonly maxFileSize?: string
  readonly color?: boolean
  readonly progress?: boolean
}

const VERSION = "0.1.0"
const FORMATS = ["text", "json", "sarif"] as const

/** Runs a scan and returns the exit status: 0 clean, 1 findings. @throws BridgeError (exit 2) */
export async function runScan(paths: readonly string[], flags: ScanFlags, io: CliIO): Promise<number> {
  const started = io.now().getTime()
  const format = flags.format ?? "text"
  if (!(FORMATS as readonly string[]).includes(format))
    throw new BridgeError(ErrorCode.Usage, `unknown format ${JSON.stringify(format)}`, {
      hint: "use text, json or sarif",
    })
  const modes = [flags.staged === true, flags.git !== undefined && flags.git !== false, flags.stdin === true]
  if (modes.filter(Boolean).length > 1 || (paths.length > 0 && modes.some(Boolean)))
    throw new BridgeError(ErrorCode.Usage, "choose one target: PATH…, --staged, --git [RANGE] or --stdin")
  const root = await repoRoot(io.cwd)
  const base = root ?? io.cwd
  if ((flags.staged === true || modes[1] === true) && root === null)
    throw new BridgeError(ErrorCode.Usage, "--staged and --git need a git repository", {
      hint: "run inside the repository",
    })
  const config = await loadScanConfig(io, base, flags)
  const allow = allowlistOf(config)
  const ctx: GitopsContext = {
    sopsConfigs: flags.stdin === true ? [] : await loadSopsConfigs(io, root !== null, base),
  }
  const jobs = flags.jobs !== undefined ? Number(flags.jobs) : Math.max(1, availableParallelism())
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new BridgeError(ErrorCode.Usage, "--jobs must be a whole number ≥ 1")
  const opts = { base, maxFileBytes: config.maxFileBytes, allow }
  const rel = (p: string): string => relativeTo(base, resolve(io.cwd, p))
  const stats: HistoryStats = { commits: 0 }
  let items: AsyncIterable<TargetItem>
  let total: number | null = null
  let target = "worktree"
  if (flags.stdin === true) {
    target = "stdin"
    items = stdinItems(io, flags.stdinPath ?? "<stdin>")
  } else if (flags.staged === true) {
    target = "staged"
    items = stagedItems(opts)
  } else if (modes[1] === true) {
    target = "history"
    items = historyItems({ ...opts, range: typeof flags.git === "string" ? flags.git : undefined }, stats)
  } else {
    const targets = paths.length === 0 ? [rel(".")] : paths.map(rel)
    total = await worktreeCount(targets, root !== null, base)
    items = worktreeItems(targets, root !== null, opts)
  }
  // Starting workers costs about a second here: small trees and pre-commit scans stay in-thread.
  const small = target === "stdin" || target === "staged" || (total !== null && total < 300)
  const pool = createScanPool(ctx, small && flags.jobs === undefined ? 1 : jobs)
  const progress = createProgress(
    (s) => io.writeErr(s),
    flags.progress !== false && io.stderrIsTTY === true,
    total,
    () => io.now().getTime(),
  )
  const counts = { files: 0, bytes: 0, binary: 0, oversize: 0, allowed: 0, waivedInline: 0 }
  const findings: Finding[] = []
  const byOid = new Map<string, Finding[]>()
  const inFlight = new Set<Promise<void>>()
  try {
    for await (const item of items) {
      if ("skipped" in item) {
        if (item.skipped === "oversize") counts.oversize++
        else counts.allowed++
        continue
      }
      const size = item.bytes.length
      const p: Promise<void> = pool.scan(item.path, item.bytes).then((o) => {
        counts.files++
        counts.bytes += size
        if (o.kind === "binary") counts.binary++
        else {
          counts.waivedInline += o.waived
          findings.push(...o.findings)
          if (item.oid !== undefined && o.findings.length > 0 && target === "history")
            byOid.set(item.oid, [...o.findings])
        }
        progress.tick(counts.files, counts.bytes)
      })
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p)).catch(() => undefined)
      // Bounded: at most a few files per worker in memory at once.
      if (inFlight.size >= jobs * 4) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
  } finally {
    progress.done()
    await pool.close()
  }
  let all = findings
  if (target === "history")
    all = await attribute(base, typeof flags.git === "string" ? flags.git : undefined, byOid)
  const kept = all.filter((f) => !allow.ruleAllowed(f.ruleId, f.path))
  const waivedConfig = all.length - kept.length
  if (flags.writeBaseline !== undefined) {
    await writeBaseline(io, flags.writeBaseline, kept)
    io.writeErr(
      `sealbridge: wrote ${kept.length} baseline entr${kept.length === 1 ? "y" : "ies"} to ${flags.writeBaseline}\n`,
    )
    return 0
  }
  let fresh = kept
  let baselined = 0
  let stale: ReturnType<typeof applyBaseline>["stale"] = []
  if (flags.baseline !== undefined) {
    const b = parseBaseline(await readText(io, flags.baseline), flags.baseline)
    const r = applyBaseline(kept, b)
    fresh = r.fresh
    baselined = r.suppressed
    stale = r.stale
  }
  const report = {
    findings: sortFindings(fresh),
    summary: {
      target,
      filesScanned: counts.files - counts.binary,
      bytesScanned: counts.bytes,
      skippedBinary: counts.binary,
      skippedOversize: counts.oversize,
      skippedAllowed: counts.allowed,
      waivedInline: counts.waivedInline,
      waivedConfig,
      baselined,
      staleBaseline: stale,
      durationMs: io.now().getTime() - started,
      ...(target === "history" ? { commits: stats.commits } : {}),
    },
  }
  const colour =
    flags.color ??
    (io.stdoutIsTTY === true && flags.output === undefined && (io.env["NO_COLOR"] ?? "") === "")
  const text =
    format === "json"
      ? formatJson(report, VERSION)
      : format === "sarif"
        ? formatSarif(report, VERSION)
        : formatText(report, colour)
  if (flags.output !== undefined) await io.writeFileAtomic(resolve(io.cwd, flags.output), text, 0o644)
  else io.writeOut(text)
  return report.findings.length > 0 ? 1 : 0
}

/** History findings get the commit (and path) that introduced their blob. */
async function attribute(
  base: string,
  range: string | undefined,
  byOid: Map<string, Finding[]>,
): Promise<Finding[]> {
  const intro = await introducingCommits(base, range, new Set(byOid.keys()))
  const out: Finding[] = []
  for (const [oid, fs] of byOid) {
    const at = intro.get(oid)
    for (const f of fs) out.push(at === undefined ? f : { ...f, commit: at.commit })
  }
  return out
}

async function* stdinItems(io: CliIO, path: string): AsyncGenerator<TargetItem> {
  yield { path, bytes: await io.readStdin() }
}

const relativeTo = (base: string, abs: string): string => {
  const r = abs === base ? "." : abs.startsWith(base + "/") ? abs.slice(base.length + 1) : abs
  return r === "" ? "." : r
}

async function readText(io: CliIO, path: string): Promise<string> {
  try {
    return new TextDecoder().decode(await io.readFile(resolve(io.cwd, path)))
  } catch (err) {
    throw new BridgeError(ErrorCode.ReadInput, `cannot read ${path}`, { cause: err })
  }
}

async function loadScanConfig(io: CliIO, base: string, flags: ScanFlags): Promise<ScanConfig> {
  const path =
    flags.config ?? (io.exists(join(base, SCAN_CONFIG_FILE)) ? join(base, SCAN_CONFIG_FILE) : undefined)
  let config = path === undefined ? defaultScanConfig : parseScanConfig(await readText(io, path), path)
  if (flags.maxFileSize !== undefined) {
    const n = Number(flags.maxFileSize)
    if (!Number.isInteger(n) || n <= 0)
      throw new BridgeError(ErrorCode.Usage, "--max-file-size must be a number of bytes")
    config = { ...config, maxFileBytes: n }
  }
  return config
}

async function loadSopsConfigs(io: CliIO, inRepo: boolean, base: string): Promise<SopsConfig[]> {
  const out: SopsConfig[] = []
  for (const p of await sopsConfigPaths(inRepo, base)) {
    try {
      out.push(parseSopsConfig(await readText(io, join(base, p)), p))
    } catch (err) {
      // A broken .sops.yaml must not stop the leak scan; say so and scan without its rules.
      io.writeErr(
        `sealbridge: warning: ${err instanceof Error ? err.message : String(err)}; its creation rules are not checked\n`,
      )
    }
  }
  return out
}

async function writeBaseline(io: CliIO, file: string, findings: readonly Finding[]): Promise<void> {
  let salt = Buffer.from(io.randomBytes(16)).toString("hex")
  const abs = resolve(io.cwd, file)
  if (io.exists(abs)) {
    // Keep the salt of an existing baseline so rewriting it changes only the entries.
    try {
      salt = parseBaseline(await readText(io, file), file).salt
    } catch {
      // unreadable: start over with a new salt
    }
  }
  await io.writeFileAtomic(abs, formatBaseline(makeBaseline(findings, salt)), 0o644)
}
