import { createServer, request, type Server } from "node:http"

/**
 * An HTTP forwarder in front of moto that records every AWS call it passes on (operation and
 * SecretId), so a test counts what really reached the provider, whatever the controller reports.
 */
export class CountingProxy {
  readonly #target: URL
  #server: Server | undefined
  /** "secretsmanager.GetSecretValue prefix/key", "sts GetCallerIdentity", in arrival order. */
  readonly calls: string[] = []
  port = 0

  constructor(targetUrl: string) {
    this.#target = new URL(targetUrl)
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Calls of `op` ("secretsmanager.GetSecretValue"), only those naming `secretId` when given. */
  count(op: string, secretId?: string): number {
    const exact = secretId === undefined ? undefined : `${op} ${secretId}`
    return this.calls.filter((c) => (exact === undefined ? c === op || c.startsWith(`${op} `) : c === exact))
      .length
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const body = Buffer.concat(chunks)
        this.calls.push(describe(req.headers["x-amz-target"], body))
        const up = request(
          {
            host: this.#target.hostname,
            port: this.#target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers)
            upRes.pipe(res)
          },
        )
        up.on("error", () => res.writeHead(502).end())
        up.end(body)
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(0, "127.0.0.1", () => resolve())
    })
    const a = server.address()
    this.port = typeof a === "object" && a !== null ? a.port : 0
    this.#server = server
  }

  async stop(): Promise<void> {
    const s = this.#server
    if (s === undefined) return
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
}

function describe(target: string | string[] | undefined, body: Buffer): string {
  if (typeof target === "string") {
    let id = ""
    try {
      const v = (JSON.parse(body.toString()) as { SecretId?: unknown }).SecretId
      if (typeof v === "string") id = v
    } catch {
      // not JSON: no SecretId
    }
    return id === "" ? target : `${target} ${id}`
  }
  const action = /(?:^|&)Action=([^&]+)/.exec(body.toString())?.[1]
  return `sts ${action ?? "unknown"}`
}
