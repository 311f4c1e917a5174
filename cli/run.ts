import { CommanderError } from "commander"
import { BridgeError, ChildExitError, ErrorCode, safeMessage } from "../src/index.js"
import { exitCodeFor } from "./exit-codes.js"
import type { CliIO } from "./io.js"
import { buildProgram } from "./program.js"

/** Parses argv (without node and script), runs, and returns the exit status. Never throws. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let status = 0
  const program = buildProgram(io, (code) => (status = code))
  // scan follows the CI convention (gitleaks, TruffleHog): 1 means findings, so every error is 2.
  const scanning = argv[0] === "scan"
  try {
    await program.parseAsync([...argv], { from: "user" })
    return status
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successful exits; commander already printed its own error text.
      return err.exitCode === 0 ? 0 : scanning ? 2 : exitCodeFor[ErrorCode.Usage]
    }
    const debug = argv.includes("--debug") || io.env["SEALBRIDGE_DEBUG"] === "1"
    const code = report(err, io, debug)
    return scanning ? 2 : code
  }
}

function report(err: unknown, io: CliIO, debug: boolean): number {
  // exec-env/exec-file pass the command's own status through, silently.
  if (err instanceof ChildExitError) return err.status
  const bridge =
    err instanceof BridgeError
      ? err
      : new BridgeError(ErrorCode.Internal, "unexpected internal error", { cause: err })
  io.writeErr(`sealbridge: ${bridge.message}\n`)
  if (bridge.hint !== undefined) io.writeErr(`hint: ${bridge.hint}\n`)
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
