import { isBridgeError, KeyError, KeyFailure } from "../errors.js"
import { safeMessage } from "../util/redact.js"

/** Network error codes that mean "the service could not be reached". */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
])

/** The failure class of any error a backend let escape, and a safe one-line reason. */
export function classifyKeyError(err: unknown): { failure: KeyFailure; reason: string } {
  if (err instanceof KeyError) return { failure: err.failure, reason: err.message }
  if (isNetworkError(err)) return { failure: KeyFailure.Unreachable, reason: safeMessage(err) }
  if (isBridgeError(err)) return { failure: KeyFailure.Other, reason: err.message }
  return { failure: KeyFailure.Other, reason: safeMessage(err) }
}

/** True for connection-level failures anywhere in the cause chain. */
export function isNetworkError(err: unknown): boolean {
  let e: unknown = err
  for (let depth = 0; depth < 6 && e !== null && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === "string" && UNREACHABLE.has(code)) return true
    const name = (e as { name?: unknown }).name
    if (name === "TimeoutError" || name === "AbortError") return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
