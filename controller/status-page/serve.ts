import type { IncomingMessage, ServerResponse } from "node:http"
import { renderStatusPage } from "./html.js"
import type { StatusObjects } from "./objects.js"
import { statusRows } from "./rows.js"

/** Serves GET /status from the watch cache; false when the request is not for the page. */
export function statusPageHandler(
  objects: StatusObjects,
  now: () => Date,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://status.invalid")
    if (url.pathname !== "/status") return false
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end()
      return true
    }
    const filter = {
      namespace: url.searchParams.get("namespace") ?? "",
      ready: url.searchParams.get("ready") ?? "",
    }
    const body = renderStatusPage(statusRows(objects.list()), filter, now())
    res
      .writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        // no script, no external loads, not frameable: the page only displays
        "content-security-policy":
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      })
      .end(req.method === "HEAD" ? undefined : body)
    return true
  }
}
