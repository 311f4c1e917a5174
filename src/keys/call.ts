import { KeyError, KeyFailure } from "../errors.js"
import type { CallOptions } from "./backend.js"

/**
 * Runs one key's call under the caller's signal and its own timeout. The race makes the bound
 * hold even for a client that ignores the signal; the signal is still passed on so clients that
 * honour it stop their request.
 * @throws KeyError unreachable when the timeout passes or the signal aborts
 */
export async function withDeadline<T>(call: CallOptions, fn: (opts: CallOptions) => Promise<T>): Promise<T> {
  const signals: AbortSignal[] = []
  if (call.signal !== undefined) signals.push(call.signal)
  const ms = call.timeoutMs ?? 0
  if (ms > 0) signals.push(AbortSignal.timeout(ms))
  if (signals.length === 0) return fn({})
  const signal = signals.length === 1 ? (signals[0] as AbortSignal) : AbortSignal.any(signals)
  const stopped = (): KeyError => {
    const timedOut = call.signal?.aborted !== true
    return new KeyError(
      KeyFailure.Unreachable,
      timedOut ? `timed out after ${formatSeconds(ms)}` : "interrupted",
      { cause: signal.reason },
    )
  }
  if (signal.aborted) throw stopped()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stopped())
    signal.addEventListener("abort", onAbort, { once: true })
  })
  try {
    return await Promise.race([fn({ signal, ...(ms > 0 ? { timeoutMs: ms } : {}) }), aborted])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort)
  }
}

const formatSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))}s`
