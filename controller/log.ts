import type { LogFields, Logger } from "./reconcile/deps.js"

/**
 * JSON lines on stdout. Callers pass names, reasons and redacted messages only; values of
 * secrets never reach a log call.
 */
export function jsonLogger(write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  const emit = (level: string) => (msg: string, fields?: LogFields) => {
    write(`${JSON.stringify({ time: now().toISOString(), level, msg, ...fields })}\n`)
  }
  return { info: emit("info"), warn: emit("warn"), error: emit("error") }
}
