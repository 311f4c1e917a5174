import { randomBytes } from "node:crypto"
import { hostname } from "node:os"
import { BridgeError, ErrorCode } from "../../src/index.js"
import { parseGoDuration } from "../api/duration.js"
import type { ElectionClock, ElectionConfig } from "./elector.js"

/** The `--leader-elect*` flags as commander hands them over. */
export interface LeaderElectFlags {
  readonly leaderElect?: boolean
  readonly leaderElectLeaseDuration?: string
  readonly leaderElectRenewDeadline?: string
  readonly leaderElectRetryPeriod?: string
  readonly leaderElectNamespace?: string
  readonly leaderElectId?: string
}

export const DEFAULT_LEASE_NAME = "sealbridge-controller"

/**
 * The election config, or undefined when `--leader-elect` is off. Defaults are client-go's
 * (15s / 10s / 2s); the Lease lives in `--leader-elect-namespace`, else `$POD_NAMESPACE`.
 * @throws BridgeError USAGE naming the flag
 */
export function electionConfig(
  f: LeaderElectFlags,
  env: Readonly<Record<string, string | undefined>>,
): ElectionConfig | undefined {
  if (f.leaderElect !== true) return undefined
  const leaseDurationMs = parseGoDuration(
    f.leaderElectLeaseDuration ?? "15s",
    "--leader-elect-lease-duration",
  )
  const renewDeadlineMs = parseGoDuration(
    f.leaderElectRenewDeadline ?? "10s",
    "--leader-elect-renew-deadline",
  )
  const retryPeriodMs = parseGoDuration(f.leaderElectRetryPeriod ?? "2s", "--leader-elect-retry-period")
  if (retryPeriodMs <= 0)
    throw new BridgeError(ErrorCode.Usage, "--leader-elect-retry-period: must be more than 0")
  // The gap between the two is what keeps a leader that cannot renew from overlapping the next.
  if (renewDeadlineMs >= leaseDurationMs)
    throw new BridgeError(
      ErrorCode.Usage,
      "--leader-elect-renew-deadline: must be less than --leader-elect-lease-duration",
    )
  if (retryPeriodMs >= renewDeadlineMs)
    throw new BridgeError(
      ErrorCode.Usage,
      "--leader-elect-retry-period: must be less than --leader-elect-renew-deadline",
    )
  const namespace = f.leaderElectNamespace ?? env["POD_NAMESPACE"]
  if (namespace === undefined || namespace === "")
    throw new BridgeError(
      ErrorCode.Usage,
      "--leader-elect-namespace: required when $POD_NAMESPACE is not set",
    )
  return {
    namespace,
    name: f.leaderElectId ?? DEFAULT_LEASE_NAME,
    identity: `${env["POD_NAME"] ?? hostname()}_${randomBytes(4).toString("hex")}`,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
  }
}

/** Wall-clock timers for the elector. */
export const realElectionClock: ElectionClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve()
      const t = setTimeout(done, Math.max(0, ms))
      function done(): void {
        clearTimeout(t)
        signal.removeEventListener("abort", done)
        resolve()
      }
      signal.addEventListener("abort", done, { once: true })
    }),
}
