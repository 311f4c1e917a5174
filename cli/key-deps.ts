import { spawn } from "node:child_process"
import { hostname } from "node:os"
import type { KeyDeps, RunOptions, RunResult } from "../src/index.js"
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
