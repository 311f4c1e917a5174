// Counting HTTP proxies for bench/controller.mjs: the controller talks to moto, OpenBao and the
// kube-apiserver through these, so every call it makes is counted where it lands (not by the
// controller's own metrics). Each request is recorded as { t, op, key } and forwarded unchanged;
// responses are streamed (watches stay open).
import { createHash } from "node:crypto"
import http from "node:http"
import https from "node:https"

export class CountingProxy {
  /**
   * @param {string} target upstream base URL (http: or https:)
   * @param {(req: http.IncomingMessage, body: Buffer) => { op: string, key?: string }} classify
   * @param {{ ca?: Buffer }} [opts]
   */
  constructor(target, classify, opts = {}) {
    this.target = new URL(target)
    this.classify = classify
    this.records = []
    const tls = this.target.protocol === "https:"
    this.lib = tls ? https : http
    this.agent = new this.lib.Agent({ keepAlive: true, ...(tls && opts.ca ? { ca: opts.ca } : {}) })
    this.server = http.createServer((req, res) => this.#handle(req, res))
    this.server.keepAliveTimeout = 30_000
    this.port = 0
  }

  get url() {
    return `http://127.0.0.1:${this.port}`
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once("error", reject)
      this.server.listen(0, "127.0.0.1", resolve)
    })
    this.port = this.server.address().port
    return this
  }

  async stop() {
    this.server.closeAllConnections()
    await new Promise((r) => this.server.close(r))
    this.agent.destroy()
  }

  /** Records in [from, to) (ms since the epoch), optionally filtered by op. */
  between(from, to, ops) {
    return this.records.filter((r) => r.t >= from && r.t < to && (ops === undefined || ops.includes(r.op)))
  }

  #handle(req, res) {
    const chunks = []
    req.on("data", (c) => chunks.push(c))
    req.on("end", () => {
      const body = Buffer.concat(chunks)
      let rec
      try {
        rec = this.classify(req, body)
      } catch {
        rec = { op: "unclassified" }
      }
      const entry = { t: Date.now(), ...rec }
      this.records.push(entry)
      const up = this.lib.request(
        {
          protocol: this.target.protocol,
          hostname: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.target.host },
          agent: this.agent,
        },
        (upRes) => {
          entry.ms = Date.now() - entry.t // time to the response head (a watch: until it opened)
          entry.status = upRes.statusCode
          res.writeHead(upRes.statusCode ?? 502, upRes.headers)
          upRes.pipe(res)
          upRes.on("error", () => res.destroy())
        },
      )
      up.on("error", () => {
        if (!res.headersSent) res.writeHead(502).end()
        else res.destroy()
      })
      res.on("close", () => up.destroy())
      up.end(body)
    })
    req.on("error", () => res.destroy())
  }
}

/** moto (Secrets Manager JSON protocol): op = the X-Amz-Target action, key = SecretId. */
export function classifyAws(req, body) {
  const target = String(req.headers["x-amz-target"] ?? "")
  // JSON protocol (Secrets Manager) names the action in a header, query protocol (STS) in the body
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString("utf8"))?.[1]
  const op = target.includes(".") ? target.split(".")[1] : (action ?? `${req.method} ${req.url}`)
  let key
  try {
    key = JSON.parse(body.toString("utf8")).SecretId
  } catch {
    key = undefined
  }
  return key === undefined ? { op } : { op, key }
}

/**
 * OpenBao: KV reads under `mount` (key = the secret path), auth calls, everything else by path;
 * `tok` tells the tokens apart (a digest prefix, never the token).
 */
export function vaultClassifier(mount) {
  const data = `/v1/${mount}/data/`
  const classify = (req) => {
    const path = (req.url ?? "").split("?")[0]
    if (req.method === "GET" && path.startsWith(data)) return { op: "read", key: path.slice(data.length) }
    if (path.endsWith("/login")) return { op: "login" }
    if (path === "/v1/auth/token/renew-self") return { op: "renew" }
    if (path === "/v1/auth/token/revoke-self") return { op: "revoke" }
    if (path === "/v1/auth/token/lookup-self") return { op: "lookup-self" }
    return { op: `${req.method} ${path}` }
  }
  return (req, body) => {
    const token = req.headers["x-vault-token"]
    const tok = token ? createHash("sha256").update(String(token)).digest("hex").slice(0, 6) : "-"
    return { ...classify(req, body), tok }
  }
}

/** kube-apiserver: op = verb (watch, list, get, create, patch, patch-status, delete), key = resource. */
export function classifyKube(req) {
  const url = new URL(req.url ?? "/", "http://x")
  const parts = url.pathname.split("/").filter((p) => p !== "")
  const status = parts.at(-1) === "status"
  const named = parts.length - (status ? 1 : 0)
  // /api/v1[/namespaces/NS]/PLURAL[/NAME] or /apis/G/V[/namespaces/NS]/PLURAL[/NAME]
  const base = parts[0] === "api" ? 2 : 3
  const rest = parts.slice(base, named)
  const scoped = rest[0] === "namespaces" && rest.length >= 3
  const resource = scoped ? rest[2] : rest[0]
  const hasName = scoped ? rest.length >= 4 : rest.length >= 2
  const watch = url.searchParams.get("watch")
  let op
  if (req.method === "GET") op = watch === "true" || watch === "1" ? "watch" : hasName ? "get" : "list"
  else if (req.method === "PATCH") op = status ? "patch-status" : "patch"
  else if (req.method === "POST") op = "create"
  else if (req.method === "PUT") op = status ? "update-status" : "update"
  else op = (req.method ?? "other").toLowerCase()
  return { op, key: resource ?? "", path: url.pathname }
}
