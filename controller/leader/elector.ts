import type { LeaseApi, LeaseRecord } from "../kube/port.js"
import { desiredSpec, releasedSpec, sameRecord } from "./record.js"

export interface ElectionConfig {
  /** Where the Lease lives and its name (`--leader-elect-namespace`, `--leader-elect-id`). */
  readonly namespace: string
  readonly name: string
  /** This replica's holderIdentity: pod name plus a random suffix, unique per process. */
  readonly identity: string
  /** How long a Lease nobody renews stays held (others wait this long from their last sight of a change). */
  readonly leaseDurationMs: number
  /** A leader that has not renewed for this long stops leading (must be < leaseDurationMs). */
  readonly renewDeadlineMs: number
  /** How often candidates try and the leader renews. */
  readonly retryPeriodMs: number
}

export interface ElectionClock {
  now(): number
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export interface ElectionHooks {
  onStartedLeading(): void
  /** Renewal failed past the deadline or another replica holds the Lease: stop writing now. */
  onStoppedLeading(reason: string): void
  /** The observed holder changed ("" = released). */
  onNewLeader?(identity: string): void
  /** A Lease call failed (retried). */
  onError?(err: unknown): void
}

/** held: this replica holds the Lease; other: someone else does (or won the race); failed: call error. */
type Attempt = "held" | "other" | "failed"

/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics. Expiry is judged
 * by the local clock from the moment a change of the record was last seen, never by comparing
 * renewTime with the local clock, so clock skew between replicas does not matter. Writes carry
 * the resourceVersion read (a 409 is a lost race). The leader steps down as soon as it has not
 * renewed for renewDeadline, counted from when its last successful renewal was sent, so it stops
 * before anyone else can see the Lease expire (renewDeadline < leaseDuration): never two writers.
 */
export class LeaderElector {
  readonly #leases: LeaseApi
  readonly #cfg: ElectionConfig
  readonly #clock: ElectionClock
  readonly #hooks: ElectionHooks
  readonly #random: () => number
  #observed: LeaseRecord | undefined
  #observedAt = 0
  #leading = false
  #lastRenewMs = 0
  /** Lease requests sent (metrics). */
  requests = 0

  constructor(
    leases: LeaseApi,
    cfg: ElectionConfig,
    deps: { readonly clock: ElectionClock; readonly random: () => number },
    hooks: ElectionHooks,
  ) {
    this.#leases = leases
    this.#cfg = cfg
    this.#clock = deps.clock
    this.#random = deps.random
    this.#hooks = hooks
  }

  get leading(): boolean {
    return this.#leading
  }

  /** The holder last seen on the Lease ("" when released or not read yet). */
  get leader(): string {
    return this.#observed?.holderIdentity ?? ""
  }

  get identity(): string {
    return this.#cfg.identity
  }

  /**
   * Campaigns until this replica leads, then renews until `signal` aborts (still leading: call
   * `release`) or renewal fails (`onStoppedLeading` has run).
   */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.#acquire(signal))) return
    this.#leading = true
    this.#hooks.onStartedLeading()
    while (!signal.aborted) {
      await this.#clock.sleep(this.#cfg.retryPeriodMs, signal)
      if (signal.aborted) return
      const lost = await this.#renew(signal)
      if (lost !== undefined) {
        this.#leading = false
        this.#hooks.onStoppedLeading(lost)
        return
      }
    }
  }

  /** Gives the Lease up (holder "", 1 s) so a standby takes over at its next try; false if not held. */
  async release(): Promise<boolean> {
    let held = this.#observed
    if (!this.#leading || held === undefined || held.holderIdentity !== this.#cfg.identity) return false
    this.#leading = false
    const { namespace, name } = this.#cfg
    try {
      // Twice at most: a renewal still in flight when the loop stopped may have moved the resourceVersion.
      for (let i = 0; i < 2; i++) {
        this.requests++
        const spec = releasedSpec(held, this.#clock.now())
        const out = await this.#within(this.#leases.update(namespace, name, spec, held.resourceVersion))
        if (out !== null) {
          this.#observe(out, this.#clock.now())
          return true
        }
        this.requests++
        const fresh = await this.#within(this.#leases.get(namespace, name))
        if (fresh === null || fresh.holderIdentity !== this.#cfg.identity) return false
        held = fresh
      }
    } catch (err) {
      this.#hooks.onError?.(err)
    }
    return false
  }

  /** `p`, or null when it has not answered within the renew deadline. */
  async #within<T>(p: Promise<T | null>): Promise<T | null> {
    const stop = new AbortController()
    try {
      return await Promise.race([
        p,
        this.#clock.sleep(this.#cfg.renewDeadlineMs, stop.signal).then(() => null),
      ])
    } finally {
      stop.abort()
    }
  }

  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const sent = this.#clock.now()
      const r = await this.#bounded(this.#cfg.renewDeadlineMs, signal)
      if (signal.aborted) return false
      if (r === "held") {
        this.#lastRenewMs = sent
        return true
      }
      await this.#clock.sleep(this.#nextTry(r), signal)
    }
    return false
  }

  /**
   * Retries within the renew deadline; undefined when renewed (or aborted), else why leadership
   * is lost: the deadline passed, or another replica holds the Lease.
   */
  async #renew(signal: AbortSignal): Promise<string | undefined> {
    const deadline = this.#lastRenewMs + this.#cfg.renewDeadlineMs
    const late = "not renewed within the renew deadline"
    for (;;) {
      const left = deadline - this.#clock.now()
      if (left <= 0) return late
      const sent = this.#clock.now()
      const r = await this.#bounded(left, signal)
      if (signal.aborted) return undefined
      if (r === "held") {
        this.#lastRenewMs = sent
        return undefined
      }
      if (r === "other") return `lease held by ${this.leader || "another replica"}`
      if (r === "timeout") return late
      await this.#clock.sleep(Math.min(this.#cfg.retryPeriodMs, deadline - this.#clock.now()), signal)
      if (signal.aborted) return undefined
    }
  }

  /** One attempt, given up after `ms` (a hung request must not keep a leader past its deadline). */
  async #bounded(ms: number, signal: AbortSignal): Promise<Attempt | "timeout"> {
    // Not AbortSignal.any: one per renewal would pile listeners on the long-lived signal.
    const stop = new AbortController()
    const onAbort = (): void => stop.abort()
    signal.addEventListener("abort", onAbort, { once: true })
    try {
      return await Promise.race([
        this.#attempt(),
        this.#clock.sleep(ms, stop.signal).then(() => "timeout" as const),
      ])
    } finally {
      signal.removeEventListener("abort", onAbort)
      stop.abort()
    }
  }

  /** Before the next try: a retry period (jittered down, never up), but no later than the expiry seen. */
  #nextTry(r: Attempt | "timeout"): number {
    const retry = this.#cfg.retryPeriodMs * (0.8 + 0.2 * this.#random())
    const held = this.#observed
    if (r !== "other" || held === undefined) return retry
    const expiry = this.#observedAt + held.leaseDurationSeconds * 1_000
    return Math.max(1, Math.min(retry, expiry - this.#clock.now() + 1))
  }

  async #attempt(): Promise<Attempt> {
    try {
      return await this.#tryAcquireOrRenew()
    } catch (err) {
      this.#hooks.onError?.(err)
      return "failed"
    }
  }

  async #tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, name, identity } = this.#cfg
    const seconds = Math.ceil(this.#cfg.leaseDurationMs / 1_000)
    const now = this.#clock.now()
    const mine = this.#observed
    // A leader renews from the record it wrote last: one request, no read, in steady state.
    if (this.#leading && mine?.holderIdentity === identity) {
      this.requests++
      const out = await this.#leases.update(
        namespace,
        name,
        desiredSpec(mine, identity, seconds, now),
        mine.resourceVersion,
      )
      if (out !== null) return this.#won(out, now)
    }
    this.requests++
    const old = await this.#leases.get(namespace, name)
    // Seen when the answer came, not when asked: expiry is never judged early.
    const seen = this.#clock.now()
    if (old === null) {
      this.requests++
      const out = await this.#leases.create(namespace, name, desiredSpec(undefined, identity, seconds, now))
      return out === null ? "other" : this.#won(out, now)
    }
    this.#observe(old, seen)
    const expiry = this.#observedAt + old.leaseDurationSeconds * 1_000
    if (old.holderIdentity !== "" && old.holderIdentity !== identity && seen < expiry) return "other"
    this.requests++
    const out = await this.#leases.update(
      namespace,
      name,
      desiredSpec(old, identity, seconds, now),
      old.resourceVersion,
    )
    return out === null ? "other" : this.#won(out, now)
  }

  #won(rec: LeaseRecord, now: number): Attempt {
    this.#observe(rec, now)
    return "held"
  }

  #observe(rec: LeaseRecord, now: number): void {
    if (sameRecord(this.#observed, rec)) return
    const before = this.#observed?.holderIdentity
    this.#observed = rec
    this.#observedAt = now
    if (before !== rec.holderIdentity) this.#hooks.onNewLeader?.(rec.holderIdentity)
  }
}
