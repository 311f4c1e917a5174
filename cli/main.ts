#!/usr/bin/env node
import { installSignalHandlers, removeTrackedSync } from "./cleanup.js"
import { realIO } from "./io.js"
import { run } from "./run.js"

installSignalHandlers()

// A reader that goes away (`| head`, `| grep -q`) ends the run quietly with SIGPIPE's status,
// 141, as sops (a Go program) does; never a stack trace.
const onStreamError = (err: NodeJS.ErrnoException): void => {
  if (err.code !== "EPIPE") return
  removeTrackedSync()
  // Node ignores SIGPIPE; a listener added and removed restores the default action.
  process.on("SIGPIPE", () => undefined)
  process.removeAllListeners("SIGPIPE")
  process.kill(process.pid, "SIGPIPE")
  process.exit(141)
}
process.stdout.on("error", onStreamError)
process.stderr.on("error", () => undefined)

// Last line of defence: whatever escapes prints one line (the cause only under --debug).
const debug = process.argv.includes("--debug") || process.env["SEALBRIDGE_DEBUG"] === "1"
process.on("uncaughtException", (err) => {
  removeTrackedSync()
  process.stderr.write("sealbridge: unexpected internal error\n")
  process.stderr.write(
    debug ? `  caused by: ${err.name}\n` : "hint: run with --debug for details, and report it\n",
  )
  process.exit(1)
})

// No top-level await: the bundle is a CommonJS file (scripts/bundle.mjs).
void run(process.argv.slice(2), realIO()).then((code) => {
  process.exitCode = code
})
