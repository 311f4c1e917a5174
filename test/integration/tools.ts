import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** The built CLI and the sops binary run as child processes with an explicit environment. */
export const cliPath = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))

export interface Ran {
  readonly code: number
  readonly out: string
  readonly err: string
}

export function exec(cmd: string, args: readonly string[], env: Record<string, string>, cwd?: string): Ran {
  const r = spawnSync(cmd, [...args], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    maxBuffer: 1 << 26,
    ...(cwd === undefined ? {} : { cwd }),
    timeout: 60_000,
  })
  return { code: r.status ?? -1, out: r.stdout.toString(), err: r.stderr.toString() }
}

/** A temp directory for one test file, with HOME pointing into it. */
export function workDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

/** The peers' AWS variables (endpoints, dummy credentials), as a child process needs them. */
export function awsEnv(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith("AWS_") && v !== undefined) out[k] = v
  return out
}

export function vaultEnv(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ["VAULT_ADDR", "VAULT_TOKEN"]) {
    const v = process.env[k]
    if (v !== undefined) out[k] = v
  }
  return out
}

/** True when the text looks like a JavaScript stack trace. */
export const hasStack = (text: string): boolean => /\n\s+at .+:\d+:\d+\)?/.test(text)
