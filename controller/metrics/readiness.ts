/** What readiness needs to know of one watch (the Watcher's public state). */
export interface WatchState {
  readonly name: string
  readonly synced: boolean
  readonly connected: boolean
  /** ms timestamp of the last list, event or bookmark */
  readonly lastSeen: number
}

export type Readiness = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** A watch is up once listed, while connected or disconnected for less than twice its timeout. */
export function watchUp(w: WatchState, nowMs: number, watchTimeoutSeconds: number): boolean {
  return w.synced && (w.connected || nowMs - w.lastSeen < watchTimeoutSeconds * 2_000)
}

/**
 * Ready when every watch is up and no work is overdue by more than `maxOverdueSeconds`
 * (0 = the overdue check is off). The reason names watches and counts, never an object's data.
 */
export function readiness(
  watches: readonly WatchState[],
  overdue: { readonly oldestSeconds: number; readonly count: number },
  opts: { readonly nowMs: number; readonly watchTimeoutSeconds: number; readonly maxOverdueSeconds: number },
): Readiness {
  const down = watches.filter((w) => !watchUp(w, opts.nowMs, opts.watchTimeoutSeconds)).map((w) => w.name)
  if (down.length > 0) return { ok: false, reason: `watches not synced: ${down.join(", ")}` }
  if (opts.maxOverdueSeconds > 0 && overdue.oldestSeconds > opts.maxOverdueSeconds)
    return {
      ok: false,
      reason:
        `work overdue: ${overdue.count} object(s) past due by more than ${opts.maxOverdueSeconds}s ` +
        `(oldest ${Math.round(overdue.oldestSeconds)}s)`,
    }
  return { ok: true }
}
