import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { Readiness } from "./metrics/readiness.js"

export interface HealthSource {
  /** Every watch synced and no work overdue beyond the threshold; otherwise a short reason. */
  ready(): Readiness
  /** Prometheus text exposition. */
  metrics(): Promise<string>
  /** Content type of the exposition. */
  readonly contentType: string
}

/** /healthz (process alive), /readyz (watches synced, work not overdue), /metrics on one port (0 = off). */
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
      const r = src.ready()
      res.writeHead(r.ok ? 200 : 503, { "content-type": "text/plain" }).end(r.ok ? "ok\n" : `${r.reason}\n`)
    } else
      src.metrics().then(
        (text) => res.writeHead(200, { "content-type": src.contentType }).end(text),
        () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics failed\n"),
      )
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, () => resolve(server))
  })
}
