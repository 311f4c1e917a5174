import { spawn } from "node:child_process"
import { hostname } from "node:os"
import {
  BridgeError,
  ErrorCode,
  type CallOptions,
  type KeyDeps,
  type RunOptions,
  type RunResult,
} from "../src/index.js"
import type { CliIO } from "./io.js"
import { userConfigDir } from "./user-config-dir.js"

/** The key registry's view of the outside world, built from the CLI's IO. */
export function keyDeps(io: CliIO, flags: { debug?: boolean } = {}): KeyDeps {
  return {
    env: io.env,
    now: () => io.now(),
    readFile: async (p) => (io.exists(p) ? new TextDecoder().decode(await io.readFile(p)) : null),
    run: (file, args, opts) => run(io, file, args, opts),
    homeDir: io.homeDir,
    userConfigDir: userConfigDir(io),
    hostname: hostname(),
    debug: flags.debug === true || io.env["SEALBRIDGE_DEBUG"] === "1",
  }
}

function run(io: CliIO, file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v
    const child = spawn(file, [...args], {
      cwd: io.cwd,
      env: { ...env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    })
    const out: Buffer[] = []
    let err = ""
    child.stdout.on("data", (d: Buffer) => out.push(d))
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    child.on("error", reject)
    child.on("close", (code) =>
      resolve({ code: code ?? 1, stdout: new Uint8Array(Buffer.concat(out)), stderr: err }),
    )
    child.stdin.on("error", () => undefined) // a child that exits early closes its stdin
    child.stdin.end(opts.stdin === undefined ? undefined : Buffer.from(opts.stdin))
  })
}

/**
 * Per-key call options: `--key-timeout` / `SEALBRIDGE_KEY_TIMEOUT` bound each master key's call
 * (Go-style duration: 30s, 500ms, 2m; a bare number is seconds).
 * @throws BridgeError USAGE for a malformed duration
 */
export function callOptions(io: CliIO, flags: { keyTimeout?: string }): CallOptions {
  const raw = flags.keyTimeout ?? io.env["SEALBRIDGE_KEY_TIMEOUT"]
  if (raw === undefined || raw === "") return {}
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim())
  if (m === null)
    throw new BridgeError(ErrorCode.Usage, `--key-timeout: ${JSON.stringify(raw)} is not a duration`, {
      hint: "e.g. --key-timeout 30s, 500ms or 2m",
    })
  const n = Number(m[1])
  const unit = m[2] ?? "s"
  const ms = unit === "ms" ? n : unit === "m" ? n * 60_000 : n * 1000
  return ms > 0 ? { timeoutMs: ms } : {}
}
