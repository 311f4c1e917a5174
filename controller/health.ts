import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"

export interface HealthSource {
  /** Every watch listed at least once and none down longer than its timeout. */
  ready(): boolean
  /** Prometheus text exposition. */
  metrics(): string
}

/** /healthz (process alive), /readyz (watches synced), /metrics on one port (0 = off). */
export function serveHealth(
  port: number,
  src: HealthSource,
  paths: readonly string[],
  /** Tried first (e.g. the status page); returns true when it answered. */
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<Server | undefined> {
  if (port === 0) return Promise.resolve(undefined)
  const server = createServer((req, res) => {
    if (extra?.(req, res) === true) return
    const path = (req.url ?? "").split("?")[0] ?? ""
    if (!paths.includes(path)) {
      res.writeHead(404).end("not found\n")
      return
    }
    if (path === "/healthz") res.writeHead(200, { "content-type": "text/plain" }).end("ok\n")
    else if (path === "/readyz") {
      const ok = src.ready()
      res
        .writeHead(ok ? 200 : 503, { "content-type": "text/plain" })
        .end(ok ? "ok\n" : "watches not synced\n")
    } else res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(src.metrics())
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, () => resolve(server))
  })
}

/** Minimal counters/gauges in Prometheus text format. */
export class Metrics {
  readonly #counters = new Map<string, number>()

  inc(name: string, labels: Readonly<Record<string, string>>): void {
    const k = series(name, labels)
    this.#counters.set(k, (this.#counters.get(k) ?? 0) + 1)
  }

  render(gauges: readonly [string, Readonly<Record<string, string>>, number][]): string {
    const lines = [...this.#counters].map(([k, v]) => `${k} ${v}`)
    for (const [name, labels, v] of gauges) lines.push(`${series(name, labels)} ${v}`)
    return `${lines.sort().join("\n")}\n`
  }
}

function series(name: string, labels: Readonly<Record<string, string>>): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`)
    .join(",")
  return l === "" ? name : `${name}{${l}}`
}
