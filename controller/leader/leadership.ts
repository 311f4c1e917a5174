import { safeMessage } from "../../src/index.js"
import type { Logger } from "../reconcile/deps.js"
import type { LeaseApi } from "../kube/port.js"
import { LeaderElector, type ElectionClock, type ElectionConfig } from "./elector.js"
import { LeaderGate } from "./gate.js"

type Gauge = [string, Record<string, string>, number]

/**
 * The process's side of leader election: the gate reconciles wait at, the elector's lifecycle,
 * and what to do on the way in and out. Without a config the gate is open from the start (a
 * single replica). A replica that loses the Lease closes the gate and asks the process to stop
 * (as controller-runtime does): it restarts as a fresh standby, with nothing half-done.
 */
export class Leadership {
  readonly gate = new LeaderGate()
  readonly #kube: LeaseApi
  readonly #config: ElectionConfig | undefined
  readonly #log: Logger
  readonly #clock: ElectionClock
  readonly #abort = new AbortController()
  #elector: LeaderElector | undefined
  #run: Promise<void> | undefined

  constructor(kube: LeaseApi, config: ElectionConfig | undefined, log: Logger, clock: ElectionClock) {
    this.#kube = kube
    this.#config = config
    this.#log = log
    this.#clock = clock
  }

  /** Leading, or running without election. */
  get leading(): boolean {
    return this.#config === undefined || this.#elector?.leading === true
  }

  get elected(): boolean {
    return this.#config !== undefined
  }

  /**
   * Campaigns (or opens the gate at once without election). `onLead` prepares what only the
   * leader may do (the gate opens after it); `onLost` is told to stop the process.
   */
  start(onLead: () => Promise<void>, onLost: (reason: string) => void): void {
    const config = this.#config
    if (config === undefined) return this.gate.open()
    const log = this.#log
    const identity = config.identity
    const elector = new LeaderElector(
      this.#kube,
      config,
      { clock: this.#clock, random: Math.random },
      {
        onStartedLeading: () => {
          log.info("leading", { identity, lease: `${config.namespace}/${config.name}` })
          onLead().then(
            () => {
              if (elector.leading) this.gate.open()
            },
            (err: unknown) => onLost(`cannot start leading: ${safeMessage(err)}`),
          )
        },
        onStoppedLeading: (reason) => {
          this.gate.close()
          log.error("leader election lost: stopping", { identity, reason })
          onLost("leader election lost")
        },
        onNewLeader: (leader) => log.info("lease holder", { leader: leader || "(released)", identity }),
        onError: (err) => log.warn("lease request failed", { identity, error: safeMessage(err) }),
      },
    )
    this.#elector = elector
    this.#run = elector.run(this.#abort.signal)
    log.info("waiting for the lease", { identity, lease: `${config.namespace}/${config.name}` })
  }

  /** Stops campaigning and, when leading, releases the Lease for an immediate take-over. */
  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#run
    if (this.#elector !== undefined && (await this.#elector.release()))
      this.#log.info("lease released", { identity: this.#elector.identity })
  }

  metrics(): Gauge[] {
    const e = this.#elector
    if (e === undefined) return []
    return [
      ["sealbridge_leader", { identity: e.identity }, e.leading ? 1 : 0],
      ["sealbridge_lease_requests_total", {}, e.requests],
    ]
  }
}
