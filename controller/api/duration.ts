import { BridgeError, ErrorCode } from "../../src/index.js"

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/**
 * Go's `time.ParseDuration` (what ESO's `metav1.Duration` accepts): `1h`, `1h30m`, `90s`, `1.5h`,
 * `0`, `0s`. Negative durations are refused (they make no sense as an interval).
 * @throws BridgeError CONFIG naming `field`
 */
export function parseGoDuration(text: string, field: string): number {
  if (text === "0") return 0
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy
  let total = 0
  let pos = 0
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0)
    pos = re.lastIndex
  }
  if (pos === 0 || pos !== text.length)
    throw new BridgeError(ErrorCode.Config, `${field}: invalid duration (use Go syntax, e.g. 1h, 15m, 30s)`)
  return Math.round(total)
}

/** Milliseconds → a Go duration string as `metav1.Duration` prints it (`1h0m0s`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s"
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = (ms % 60_000) / 1000
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`
}
