import { Watch, type KubeConfig } from "@kubernetes/client-node"
import { statusCode } from "./client.js"

export interface WatchTarget {
  /** For logs and metrics, e.g. "externalsecrets". */
  readonly name: string
  /** Collection path, e.g. /apis/sealbridge.dev/v1alpha1/namespaces/ns/externalsecrets */
  readonly path: string
  readonly labelSelector?: string
  /** The matching list call (client-node typed API), returning items and the list's resourceVersion. */
  readonly list: () => Promise<{ readonly items: readonly WatchedObject[]; readonly resourceVersion: string }>
}

export interface WatchedObject {
  readonly metadata?: {
    readonly name?: string
    readonly namespace?: string
    readonly resourceVersion?: string
  }
}

export interface WatchHandlers {
  /** Every object after a (re-)list: the level-based safety net for missed events. */
  onList(objects: readonly WatchedObject[]): void
  onEvent(type: "ADDED" | "MODIFIED" | "DELETED", obj: WatchedObject): void
  onError(err: unknown, attempt: number): void
}

export interface WatchOptions {
  readonly random: () => number
  /** Server-side timeout of one watch request (client-go uses 5-10 min). */
  readonly minTimeoutSeconds: number
  readonly maxBackoffMs: number
  /** Full re-list at the first watch restart after this long (safety net for missed events). */
  readonly relistMs?: number
  /** A watch still open this long after its server-side timeout is dead: abort and restart. */
  readonly stallGraceMs?: number
}

const DEFAULT_RELIST_MS = 10 * 60_000

/**
 * list + watch with the supervision client-node lacks: a random server-side timeout so a silently
 * dead connection is replaced, bookmarks, re-list on 410 Gone (events were lost), and restarts
 * with exponential backoff and jitter, one in flight at a time.
 */
export class Watcher {
  readonly #kc: KubeConfig
  readonly #target: WatchTarget
  readonly #h: WatchHandlers
  readonly #opts: WatchOptions
  #abort: AbortController | undefined
  #stopped = false
  #attempt = 0
  #listedAt = 0
  /** Watch requests that had to be aborted because the connection went silent. */
  stalls = 0
  restarts = 0
  /** When the last list, event or bookmark arrived (for /readyz and metrics). */
  lastSeen = 0
  synced = false
  connected = false

  constructor(kc: KubeConfig, target: WatchTarget, handlers: WatchHandlers, opts: WatchOptions) {
    this.#kc = kc
    this.#target = target
    this.#h = handlers
    this.#opts = opts
  }

  get name(): string {
    return this.#target.name
  }

  start(): void {
    void this.#loop()
  }

  stop(): void {
    this.#stopped = true
    this.#abort?.abort()
  }

  async #loop(): Promise<void> {
    let rv: string | undefined
    while (!this.#stopped) {
      try {
        if (rv === undefined || Date.now() - this.#listedAt >= (this.#opts.relistMs ?? DEFAULT_RELIST_MS))
          rv = await this.#list()
        rv = await this.#watchOnce(rv)
        this.#attempt = 0
        this.restarts++
      } catch (err) {
        this.connected = false
        if (this.#stopped) return
        if (statusCode(err) === 410 || (err as { gone?: boolean }).gone === true) rv = undefined
        this.#attempt++
        this.restarts++
        this.#h.onError(err, this.#attempt)
        const backoff = Math.min(this.#opts.maxBackoffMs, 500 * 2 ** (this.#attempt - 1))
        await sleep(backoff * (0.5 + this.#opts.random()))
      }
    }
  }

  async #list(): Promise<string> {
    const list = await this.#target.list()
    this.#h.onList(list.items)
    this.synced = true
    this.lastSeen = Date.now()
    this.#listedAt = this.lastSeen
    return list.resourceVersion
  }

  /** One watch request; resolves with the resourceVersion to resume from when it ends cleanly. */
  #watchOnce(fromRv: string): Promise<string> {
    let rv = fromRv
    const timeoutSeconds = Math.floor(this.#opts.minTimeoutSeconds * (1 + this.#opts.random()))
    const graceMs = this.#opts.stallGraceMs ?? Math.max(5_000, timeoutSeconds * 200)
    return new Promise<string>((resolve, reject) => {
      // The server ends the watch after timeoutSeconds; if nothing ended it by then plus a grace,
      // the connection died without a word (client-node #958): abort and restart it.
      const deadline = setTimeout(
        () => {
          this.stalls++
          // Reject before aborting: the abort calls `done` at once, which would resolve instead.
          reject(new Error(`watch ${this.#target.name} stalled: no end after ${timeoutSeconds}s`))
          this.#abort?.abort()
        },
        timeoutSeconds * 1000 + graceMs,
      )
      deadline.unref()
      const done = (err: unknown): void => {
        clearTimeout(deadline)
        this.connected = false
        if (err === null || err === undefined || (err as { name?: string }).name === "AbortError") resolve(rv)
        else reject(err instanceof Error ? err : new Error(`watch ${this.#target.name} failed`))
      }
      const query = {
        resourceVersion: rv,
        allowWatchBookmarks: true,
        timeoutSeconds,
        ...(this.#target.labelSelector === undefined ? {} : { labelSelector: this.#target.labelSelector }),
      }
      new Watch(this.#kc)
        .watch(
          this.#target.path,
          query,
          (type: string, obj: WatchedObject & { code?: number }) => {
            this.lastSeen = Date.now()
            if (type === "ERROR") {
              // 410 Gone arrives as an ERROR event carrying a Status object.
              clearTimeout(deadline)
              reject(
                Object.assign(new Error(`watch ${this.#target.name}: error event`), {
                  code: obj.code,
                  gone: obj.code === 410,
                }),
              )
              this.#abort?.abort()
              return
            }
            const next = obj.metadata?.resourceVersion
            if (next !== undefined) rv = next
            if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") this.#h.onEvent(type, obj)
          },
          done,
        )
        .then(
          (ctl) => {
            this.#abort = ctl
            this.connected = true
            if (this.#stopped) ctl.abort()
          },
          (err: unknown) => {
            clearTimeout(deadline)
            reject(err instanceof Error ? err : new Error(`watch ${this.#target.name} failed`))
          },
        )
    })
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref())
}
