import { BridgeError, ErrorCode } from "../src/index.js"
import { parseGoDuration } from "./api/duration.js"
import { electionConfig, type LeaderElectFlags } from "./leader/options.js"
import { runController, type ControllerOptions } from "./main.js"

/** Raw `sealbridge controller` flags as commander hands them over. */
export interface ControllerFlags extends LeaderElectFlags {
  readonly kubeconfig?: string
  readonly namespace?: readonly string[]
  readonly concurrency?: string
  readonly metricsPort?: string
  readonly healthPort?: string
  readonly ageKeyFile?: string
  readonly hashKeySecret?: string
  readonly storeRefresh?: string
  readonly watchTimeout?: string
  readonly fetchWindow?: string
  readonly storeRate?: string
  readonly storeBurst?: string
  readonly storeConcurrency?: string
  readonly statusPage?: boolean
  readonly rolloutDebounce?: string
  readonly readyMaxOverdue?: string
}

function int(v: string | undefined, flag: string, fallback: number, min: number): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < min)
    throw new BridgeError(ErrorCode.Usage, `${flag}: expected an integer ≥ ${min}`)
  return n
}

/** Validates the flags once, at the edge. @throws BridgeError USAGE naming the flag */
export function controllerOptions(
  f: ControllerFlags,
  env: Readonly<Record<string, string | undefined>>,
  write: (line: string) => void,
): ControllerOptions {
  const namespaces = (f.namespace ?? [])
    .flatMap((n) => n.split(","))
    .map((n) => n.trim())
    .filter((n) => n !== "")
  const podNs = env["POD_NAMESPACE"]
  const hashKeySecret = f.hashKeySecret ?? (podNs === undefined ? undefined : `${podNs}/sealbridge-hash-key`)
  const ageKeyFile = f.ageKeyFile
  return {
    ...(f.kubeconfig === undefined ? {} : { kubeconfig: f.kubeconfig }),
    namespaces,
    concurrency: int(f.concurrency, "--concurrency", 4, 1),
    metricsPort: int(f.metricsPort, "--metrics-port", 8080, 0),
    healthPort: int(f.healthPort, "--health-port", 8081, 0),
    ...(ageKeyFile === undefined ? {} : { ageKeyFile }),
    ...(hashKeySecret === undefined ? {} : { hashKeySecret }),
    storeRefreshMs: parseGoDuration(f.storeRefresh ?? "5m", "--store-refresh"),
    watchTimeoutSeconds: Math.max(
      1,
      Math.round(parseGoDuration(f.watchTimeout ?? "5m", "--watch-timeout") / 1000),
    ),
    fetchWindowMs: parseGoDuration(f.fetchWindow ?? "30s", "--fetch-window"),
    storeRate: int(f.storeRate, "--store-rate", 50, 1),
    storeBurst: int(f.storeBurst, "--store-burst", 100, 1),
    storeConcurrency: int(f.storeConcurrency, "--store-concurrency", 2, 1),
    statusPage: f.statusPage === true,
    rolloutDebounceMs: parseGoDuration(f.rolloutDebounce ?? "5s", "--rollout-debounce"),
    ...leaderElection(electionConfig(f, env)),
    readyMaxOverdueSeconds: parseGoDuration(f.readyMaxOverdue ?? "5m", "--ready-max-overdue") / 1000,
    env,
    write,
  }
}

/** Entry from the CLI (loaded lazily so other commands do not pay for the Kubernetes client). */
export async function startFromCli(
  f: ControllerFlags,
  env: Readonly<Record<string, string | undefined>>,
  write: (line: string) => void,
): Promise<void> {
  await runController(controllerOptions(f, env, write))
  // Drained: a request to a hanging provider that cannot be cancelled (node-vault has no abort)
  // must not keep the process alive past the pod's grace period. Unref'd: it only fires if
  // something still holds the event loop a second later.
  setTimeout(() => process.exit(), 1_000).unref()
}

function leaderElection(c: ReturnType<typeof electionConfig>): { leaderElection?: NonNullable<typeof c> } {
  return c === undefined ? {} : { leaderElection: c }
}
