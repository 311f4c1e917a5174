import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { requireBinary } from "./peers.js"

/** One run of either tool: status, stdout bytes, stderr text. */
export interface Ran {
  readonly code: number
  readonly out: string
  readonly outBytes: Buffer
  readonly err: string
}

export interface RunOpts {
  readonly env?: Record<string, string>
  readonly cwd?: string
  readonly input?: string
}

/**
 * Runs the built sealbridge CLI and the real sops binary side by side with the same arguments,
 * environment (no inherited SOPS_*; HOME a temp dir) and working directory, for command-by-
 * command comparisons of output bytes and exit codes.
 */
export function sopsTwins(prefix: string): {
  sops: { path: string; skip: boolean }
  dir: string
  ours: (args: string[], opts?: RunOpts) => Ran
  theirs: (args: string[], opts?: RunOpts) => Ran
  cleanup: () => void
} {
  const sops = requireBinary("SOPS_BIN", "sops")
  const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const exec = (cmd: string, args: string[], opts: RunOpts = {}): Ran => {
    const r = spawnSync(cmd, args, {
      cwd: opts.cwd ?? dir,
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, ...opts.env },
      input: opts.input ?? "",
      maxBuffer: 1 << 26,
      timeout: 30_000,
    })
    return { code: r.status ?? -1, out: r.stdout.toString(), outBytes: r.stdout, err: r.stderr.toString() }
  }
  return {
    sops,
    dir,
    ours: (args, opts) => exec(process.execPath, [cli, ...args], opts),
    theirs: (args, opts) => exec(sops.path, args, opts),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
