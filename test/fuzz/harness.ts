import { readFileSync, readdirSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { BridgeError, ErrorCode } from "../../src/errors.js"
import { FIXTURES } from "../helpers/vectors.js"

/**
 * The fuzz harness: inputs mutated from the repository's fixture vectors (real sops files) and
 * raw generated ones, each handed to one parser, which may only succeed or throw a coded
 * BridgeError, within a time budget. CI runs a short pass ({@link fuzzRuns} defaults to 1,000
 * inputs per parser); `npm run fuzz` runs 100,000 (FUZZ_RUNS sets any count).
 */
export const fuzzRuns = (): number => Number(process.env["FUZZ_RUNS"] ?? 1000)

/**
 * Per-input limit: a pathological input (a quadratic path, a nesting or alias bomb) takes
 * seconds, an ordinary one milliseconds. Measured in CPU time of this process, so a machine
 * shared with other jobs does not turn a fast parse into a false alarm (FUZZ_SLOW_MS changes it).
 */
export const SLOW_MS = Number(process.env["FUZZ_SLOW_MS"] ?? 1000)

/**
 * vitest timeout for one parser's run. YAML inputs cost ~10 ms of wall time each on a quiet
 * machine and up to ~50 ms on a loaded one (the per-input CPU budget above is what catches slow
 * inputs), so the run's own limit allows 100 ms per input: a long run is never cut short by load.
 */
export const fuzzTimeout = (): number => 60_000 + fuzzRuns() * 100

const CODES = new Set<string>(Object.values(ErrorCode))

/** Fixture texts whose name ends with one of `exts` (recursively under test/fixtures). */
export function seeds(...exts: string[]): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (exts.some((x) => e.name.endsWith(x))) out.push(readFileSync(p, "utf8"))
    }
  }
  walk(join(FIXTURES, "vectors"))
  walk(join(FIXTURES, "sops-edge"))
  return out
}

/** Tokens that matter to the parsers: structure, quoting, anchors, sops metadata, odd bytes. */
const TOKENS = [
  ...[":", ": ", "- ", "? ", "[", "]", "{", "}", ",", '"', "'", "\\", "#", "=", "|", ">", "!", "%"],
  ...["&a ", "*a", "<<: *a", "!!merge ", "!!binary ", "!!str ", "---\n", "...\n", "\n", "\r\n", "\t"],
  ...["    ", "\u0000", "\u00a0", "\ufeff", "\ud800", "é", "😀", "1e999", "-0", "9223372036854775808"],
  ...["0x1F", "1_000", ".inf", "~", "null", "true", "[sops]\n", "sops_", "sops:", '"sops":'],
  ...["ENC[AES256_GCM,data:", ",iv:", ",tag:", ",type:str]", ",type:comment]", "AAAA", "====", "mac"],
  ...["version", "lastmodified", "2026-13-40T99:99:99Z", "__list_0__map_", "age", "kms", "hc_vault"],
  ...["encrypted_regex", "unencrypted_suffix", "mac_only_encrypted", "key_groups", "shamir_threshold"],
]

type Edit =
  | { op: "delete"; at: number; len: number }
  | { op: "insert"; at: number; text: string }
  | { op: "duplicate"; at: number; len: number }
  | { op: "replace"; at: number; text: string }

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
)
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.nat({ max: 64 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), len: fc.nat({ max: 64 }) }),
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), text }),
)

function apply(s: string, e: Edit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1)
  switch (e.op) {
    case "delete":
      return s.slice(0, at) + s.slice(at + e.len)
    case "insert":
      return s.slice(0, at) + e.text + s.slice(at)
    case "duplicate":
      return s.slice(0, at + e.len) + s.slice(at, at + e.len) + s.slice(at + e.len)
    case "replace":
      return s.slice(0, at) + e.text + s.slice(at + e.text.length)
  }
}

/** Nesting bombs: deep structure is where recursive parsers overflow the stack. */
const deep = (open: string[], close: string[]): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(...open.map((o, i) => [o, close[i] ?? ""])))
    .map(([n, [o, c]]) => (o ?? "").repeat(n) + (c ?? "").repeat(n))

/**
 * Inputs for one parser: a fixture with up to 8 edits (most of the weight: mostly-valid input
 * reaches deep into a parser), the token soup, raw strings, and nesting bombs.
 */
export function mutated(
  seedTexts: readonly string[],
  bombs: { open: string[]; close: string[] } = { open: ["["], close: ["]"] },
): fc.Arbitrary<string> {
  const fromSeed = fc
    .tuple(fc.constantFrom(...seedTexts), fc.array(edit, { minLength: 1, maxLength: 8 }))
    .map(([s, edits]) => edits.reduce(apply, s))
  return fc.oneof(
    { weight: 12, arbitrary: fromSeed },
    { weight: 2, arbitrary: fc.array(text, { maxLength: 40 }).map((a) => a.join("")) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
    { weight: 1, arbitrary: deep(bombs.open, bombs.close) },
  )
}

/** A failure the fuzzer reports: anything but success or a coded BridgeError. */
export function checkOutcome(err: unknown): void {
  if (err instanceof BridgeError && CODES.has(err.code)) return
  throw new Error(`uncoded failure: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, {
    cause: err,
  })
}

/** Runs `fn` on one input: only success or a coded error, within {@link SLOW_MS}. */
export function expectCoded(fn: () => unknown): void {
  const start = process.cpuUsage()
  try {
    fn()
  } catch (err) {
    checkOutcome(err)
  }
  checkTime(start)
}

export async function expectCodedAsync(fn: () => Promise<unknown>): Promise<void> {
  const start = process.cpuUsage()
  try {
    await fn()
  } catch (err) {
    checkOutcome(err)
  }
  checkTime(start)
}

function checkTime(start: NodeJS.CpuUsage): void {
  const used = process.cpuUsage(start)
  const ms = (used.user + used.system) / 1000
  if (ms > SLOW_MS) throw new Error(`slow input: ${ms.toFixed(0)} ms of CPU`)
}

/** Heap growth over a whole run stays bounded (a parser that leaks or balloons fails here). */
export function heapGuard(): () => void {
  const before = process.memoryUsage().heapUsed
  return () => {
    globalThis.gc?.()
    const grown = process.memoryUsage().heapUsed - before
    if (grown > 512 * 1024 * 1024) throw new Error(`heap grew by ${String(grown >> 20)} MiB`)
  }
}

export const utf8 = new TextEncoder()
