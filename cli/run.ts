import { resolve } from "node:path"
import { CommanderError } from "commander"
import { BridgeError, ChildExitError, ErrorCode, isBridgeError, safeMessage } from "../src/index.js"
import { exitCodeFor } from "./exit-codes.js"
import { fallbackHint } from "./hints.js"
import type { CliIO } from "./io.js"
import { buildProgram } from "./program.js"

/** Parses argv (without node and script), runs, and returns the exit status. Never throws. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let status = 0
  const program = buildProgram(io, (code) => (status = code))
  // scan follows the CI convention (gitleaks, TruffleHog): 1 means findings, so every error is 2.
  const scanning = argv[0] === "scan"
  try {
    const commands = program.commands.map((c) => c.name())
    const first = argv[0]
    if (first !== undefined && !first.startsWith("-") && !commands.includes(first)) {
      if (first === "help") {
        // sops prints help for `sops help` and `sops help <command>`.
        const sub = argv[1]
        argv = sub !== undefined && commands.includes(sub) ? [sub, "--help"] : ["--help"]
      } else if (!io.exists(resolve(io.cwd, first))) {
        const near = closest(first, commands)
        if (near !== null) {
          throw new BridgeError(ErrorCode.Usage, `unknown command ${JSON.stringify(first)}`, {
            hint: `did you mean ${near}? (sealbridge help lists the commands)`,
          })
        }
      }
    }
    await program.parseAsync([...argv], { from: "user" })
    return status
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successful exits; commander already printed its own error text.
      return err.exitCode === 0 ? 0 : scanning ? 2 : exitCodeFor[ErrorCode.Usage]
    }
    const debug = argv.includes("--debug") || io.env["SEALBRIDGE_DEBUG"] === "1"
    const code = report(err, io, debug, commandPath(program.commands, argv))
    return scanning ? 2 : code
  }
}

/** The command within edit distance 2 of `word` (or that it abbreviates), else null. */
function closest(word: string, commands: readonly string[]): string | null {
  let best: string | null = null
  let bestDist = 3
  for (const c of commands) {
    const d = c.startsWith(word) && word.length >= 3 ? 1 : distance(word, c)
    if (d < bestDist) {
      best = c
      bestDist = d
    }
  }
  return best
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts once. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] ?? []
      const prev = d[i - 1] ?? []
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (d[i - 2]?.[j - 2] ?? 0) + 1)
      row[j] = v
    }
  }
  return d[a.length]?.[b.length] ?? Infinity
}

interface Named {
  name(): string
  readonly commands: readonly Named[]
}

/** The command (and subcommands) that argv names, e.g. "decrypt" or "groups add"; else null. */
function commandPath(commands: readonly Named[], argv: readonly string[]): string | null {
  const names: string[] = []
  let level = commands
  for (const word of argv) {
    // Global flags come before the command (`sealbridge --debug decrypt f`).
    if (names.length === 0 && word.startsWith("-")) continue
    const next = level.find((c) => c.name() === word)
    if (next === undefined) break
    names.push(word)
    level = next.commands
  }
  return names.length === 0 ? null : names.join(" ")
}

function report(err: unknown, io: CliIO, debug: boolean, command: string | null): number {
  // exec-env/exec-file pass the command's own status through, silently.
  if (err instanceof ChildExitError) return err.status
  const bridge =
    isBridgeError(err) && err.code in exitCodeFor
      ? err
      : new BridgeError(ErrorCode.Internal, "unexpected internal error", { cause: err })
  io.writeErr(`sealbridge: ${bridge.message}\n`)
  // README promises a hint under every error: the raiser's own, else its code's.
  io.writeErr(`hint: ${bridge.hint ?? fallbackHint(bridge.code, command)}\n`)
  if (debug) {
    let cause: unknown = bridge.cause
    while (cause !== undefined && cause !== null) {
      io.writeErr(`  caused by: ${safeMessage(cause)}\n`)
      cause = cause instanceof Error ? cause.cause : undefined
    }
  } else if (bridge.cause !== undefined) {
    io.writeErr("(run with --debug for the cause chain)\n")
  }
  return exitCodeFor[bridge.code]
}
