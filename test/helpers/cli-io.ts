import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { realIO, type CliIO } from "../../cli/io.js"
import { run } from "../../cli/run.js"

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stdoutBytes: Uint8Array
  readonly stderr: string
}

/**
 * Runs the CLI in-process against the real file system, with a controlled environment (no
 * inherited SOPS_* variables, HOME pointed at a temp dir) and captured output.
 */
export async function runCli(
  args: readonly string[],
  opts: {
    env?: Record<string, string>
    cwd?: string
    stdin?: Uint8Array | string
    home?: string
    /** Replaces these parts of the real IO (e.g. a readFile that must not be called). */
    io?: Partial<CliIO>
  } = {},
): Promise<CliResult> {
  const out: Uint8Array[] = []
  let err = ""
  const base = realIO()
  const enc = new TextEncoder()
  const io: CliIO = {
    ...base,
    env: { PATH: process.env["PATH"] ?? "", ...opts.env },
    cwd: opts.cwd ?? base.cwd,
    homeDir: opts.home ?? join(tmpdir(), "sealbridge-no-home"),
    writeOut: (d) => void out.push(typeof d === "string" ? enc.encode(d) : d),
    // A copy: the caller may wipe the piece once this returns (cli/held-output.ts).
    writeOutNow: (d) => void out.push(Uint8Array.from(d)),
    writeErr: (d) => void (err += d),
    // In-process runs have no terminal: "press enter" sees end of input.
    waitForEnter: () => Promise.resolve(false),
    // V8 flags are the whole process's: a test run's young generation is not the CLI's to bound.
    boundYoungGeneration: () => undefined,
    readStdin: () =>
      Promise.resolve(
        typeof opts.stdin === "string" ? enc.encode(opts.stdin) : (opts.stdin ?? new Uint8Array()),
      ),
    ...opts.io,
  }
  const code = await run(args, io)
  const stdoutBytes = new Uint8Array(Buffer.concat(out))
  return { code, stdout: new TextDecoder().decode(stdoutBytes), stdoutBytes, stderr: err }
}

/** A temp directory removed after the test file. */
export function tempDir(prefix = "sealbridge-test-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}
