// V8 code cache for the bundled CLI (dist/cli/main.js, one CommonJS file), on every Node version.
// Node 20 has no module.enableCompileCache, and on 22/24 Node's own cache (taken when a module is
// compiled) keeps less than this one, which is taken when the run ends and so also holds the
// functions the run compiled lazily. The bundle is compiled through vm.Script with the cached
// data of an earlier run of the same command; V8 checks the data (its version, flags, the source
// length) and rejects it when it does not fit, and the file's name and header carry the bundle's
// hash, so a rebuilt or upgraded CLI never uses another bundle's cache. A missing, stale or rejected cache
// is written again when the process exits: atomically (a temporary file renamed over it), so
// concurrent runs each see a whole file. The cache holds compiled code only, never a value the
// run read (V8's code cache keeps no heap state). It lives in a directory only this user can
// write (a directory anyone else could write is never read: its data would run as code); any
// failure to read or write it only costs speed.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs"
import { dirname, join } from "node:path"
import vm from "node:vm"

const MAGIC = "sealbridge-v8-code-cache 1"

/** Where the cache lives, or undefined when it is turned off. */
export function codeCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  home: () => string,
  tmp: () => string,
  uid: number | undefined,
): string | undefined {
  if (env["SEALBRIDGE_CODE_CACHE"] === "off" || env["NODE_DISABLE_COMPILE_CACHE"] === "1") return undefined
  const xdg = env["XDG_CACHE_HOME"]
  // XDG: a relative path is to be ignored.
  if (xdg !== undefined && xdg.startsWith("/")) return join(xdg, "sealbridge", "code-cache")
  let h = ""
  try {
    h = home()
  } catch {
    // No home directory: the temporary directory below.
  }
  if (h !== "") return join(h, ".cache", "sealbridge", "code-cache")
  return join(tmp(), `sealbridge-${uid ?? "user"}`, "code-cache")
}

/**
 * The cache file's name part for a command line: the command (each command compiles different
 * functions, so each keeps its own cache), or "run" for option-only runs and anything unusual.
 */
export function codeCacheName(argv: readonly string[]): string {
  const cmd = argv.find((a) => !a.startsWith("-"))
  return cmd !== undefined && /^[a-z][a-z0-9-]{0,31}$/.test(cmd) ? cmd : "run"
}

/** The cache file of a command, for this Node and this bundle. */
export function codeCacheFileName(name: string, bundleHash: string): string {
  return `${name}-${process.version}-${process.arch}-${bundleHash.slice(0, 12)}.bin`
}

/** The header every cache file starts with: which bundle its code was compiled from. */
export function codeCacheHeader(bundleHash: string): Buffer {
  return Buffer.from(`${MAGIC} ${bundleHash}\n`)
}

/** True when `dir` and its parent are directories of this user that no one else can write. */
function ownedDirs(dir: string, uid: number | undefined): boolean {
  for (const d of [dir, dirname(dir)]) {
    const st = statSync(d)
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return false
  }
  return true
}

/** The V8 data of `file` when it exists, is ours and was made from this bundle. */
function readCache(file: string, header: Buffer, uid: number | undefined): Buffer | undefined {
  try {
    if (!ownedDirs(dirname(file), uid)) return undefined
    const buf = readFileSync(file)
    return buf.subarray(0, header.length).equals(header) ? buf.subarray(header.length) : undefined
  } catch {
    return undefined
  }
}

const DAY_MS = 24 * 60 * 60 * 1000

function writeCache(file: string, header: Buffer, script: vm.Script, uid: number | undefined): void {
  const tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    if (!ownedDirs(dirname(file), uid)) return
    writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]), { mode: 0o600 })
    renameSync(tmp, file)
    removeOld(file)
  } catch {
    try {
      unlinkSync(tmp)
    } catch {
      // Nothing was written.
    }
  }
}

/**
 * Removes what earlier versions of the CLI left for the same command and Node (and temporary
 * files of runs that died while writing), once they are a day old: two installs used side by
 * side keep their own caches instead of replacing each other's on every run.
 */
function removeOld(file: string): void {
  const dir = dirname(file)
  const base = file.slice(dir.length + 1)
  const prefix = base.slice(0, base.lastIndexOf("-") + 1)
  for (const name of readdirSync(dir)) {
    if (name === base || !name.startsWith(prefix)) continue
    const path = join(dir, name)
    if (Date.now() - statSync(path).mtimeMs > DAY_MS) unlinkSync(path)
  }
}

export interface CodeCacheRun {
  /** Absolute path of the CommonJS bundle to run. */
  readonly entry: string
  /** Hash of the bundle's bytes, fixed when it was built. */
  readonly bundleHash: string
  /** Cache directory (codeCacheDir), or undefined to run without a cache. */
  readonly dir: string | undefined
  /** Cache file name part (codeCacheName). */
  readonly name: string
  /** The bundle's require: bin.js's own, which resolves from the same directory (node:module costs ~4 ms to load on Node 20). */
  readonly require: NodeJS.Require
  /** import() of a module outside the bundle, done by a module Node itself loaded. */
  readonly importModule: (specifier: string) => Promise<unknown>
}

/** Runs the bundle as a CommonJS module, compiled with (and, when needed, into) the code cache. */
export function runWithCodeCache(run: CodeCacheRun): void {
  const uid = process.getuid?.()
  const file = run.dir === undefined ? undefined : join(run.dir, codeCacheFileName(run.name, run.bundleHash))
  const header = codeCacheHeader(run.bundleHash)
  const cachedData = file === undefined ? undefined : readCache(file, header, uid)
  let source = readFileSync(run.entry, "utf8")
  if (source.startsWith("#!")) source = `//${source.slice(2)}`
  // __sbImport: import() for the bundle (the controller's entry), see cli/controller-command.ts.
  const wrapper = `(function (exports, require, module, __filename, __dirname, __sbImport) {${source}\n})`
  const script = new vm.Script(wrapper, {
    filename: run.entry,
    ...(cachedData === undefined ? {} : { cachedData }),
  })
  if (file !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Taken at exit, so the functions this run compiled lazily are in it too.
    process.once("exit", () => writeCache(file, header, script, uid))
  }
  const main = script.runInThisContext() as (...args: unknown[]) => void
  const mod = { exports: {} }
  main.call(mod.exports, mod.exports, run.require, mod, run.entry, dirname(run.entry), run.importModule)
}
