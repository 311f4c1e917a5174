import { spawn, spawnSync } from "node:child_process"
import { chmodSync, chownSync } from "node:fs"
import { fileURLToPath } from "node:url"

export const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))

export interface BuiltResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface BuiltOptions {
  readonly env?: Record<string, string>
  readonly cwd?: string
  readonly stdin?: string | Uint8Array
  /** Run as an unprivileged user (root ignores file modes): `nobody` through setpriv. */
  readonly unprivileged?: boolean
}

const isRoot = process.getuid?.() === 0
export const NOBODY = { uid: 65534, gid: 65534 }

/** Whether `unprivileged` runs are possible here (not root, or root with setpriv). */
export const canDropPrivileges =
  !isRoot || spawnSync("setpriv", ["--version"], { stdio: "ignore" }).status === 0

/** Hands a path to the user `unprivileged` runs as (a no-op when not root). */
export function giveToRunner(path: string, mode?: number): void {
  if (isRoot) chownSync(path, NOBODY.uid, NOBODY.gid)
  if (mode !== undefined) chmodSync(path, mode)
}

/** argv for spawning the built CLI, wrapped in setpriv when a root test drops privileges. */
export function cliCommand(args: readonly string[], unprivileged = false): [string, string[]] {
  if (unprivileged && isRoot) {
    return [
      "setpriv",
      [
        `--reuid=${String(NOBODY.uid)}`,
        `--regid=${String(NOBODY.gid)}`,
        "--clear-groups",
        process.execPath,
        CLI,
        ...args,
      ],
    ]
  }
  return [process.execPath, [CLI, ...args]]
}

/** Runs the built CLI as a separate process, with only the given environment (plus PATH). */
export function runBuilt(args: readonly string[], opts: BuiltOptions = {}): Promise<BuiltResult> {
  const [cmd, argv] = cliCommand(args, opts.unprivileged === true)
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: opts.cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: "/nonexistent", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    })
    // Decoded once at the end: a pipe read can end inside a multibyte character.
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on("data", (d: Buffer) => out.push(d))
    child.stderr.on("data", (d: Buffer) => err.push(d))
    child.on("error", reject)
    child.on("close", (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    )
    child.stdin.on("error", () => undefined)
    child.stdin.end(opts.stdin ?? "")
  })
}
