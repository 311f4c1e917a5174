import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http"

/**
 * An HTTP forwarder in front of moto that records the AWS operations passing through it (JSON
 * protocol `X-Amz-Target` with its `SecretId`, query protocol `Action=`) and can hold requests
 * unanswered (a provider that hangs) until released. Counts what really reached the provider, so
 * a test can compare it with what the controller did or what its metrics claim.
 */
export class AwsCountProxy {
  /** "GetSecretValue prefix/key", "GetCallerIdentity", in arrival order. */
  readonly calls: string[] = []
  readonly #target: URL
  readonly #held: (() => void)[] = []
  #server: Server | undefined
  hang = false
  /** Answer every call of this operation ("GetSecretValue") with AWS's ThrottlingException. */
  throttle: string | undefined
  /** Calls answered with a ThrottlingException. */
  throttled = 0
  port = 0

  constructor(targetUrl: string) {
    this.#target = new URL(targetUrl)
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Calls of `op` ("GetSecretValue"), only those naming `secretId` when given. */
  count(op: string, secretId?: string): number {
    const exact = secretId === undefined ? undefined : `${op} ${secretId}`
    return this.calls.filter((c) => (exact === undefined ? c === op || c.startsWith(`${op} `) : c === exact))
      .length
  }

  get held(): number {
    return this.#held.length
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const body = Buffer.concat(chunks)
        const call = describeCall(req, body)
        this.calls.push(call)
        if (this.throttle !== undefined && (call === this.throttle || call.startsWith(`${this.throttle} `))) {
          this.throttled++
          res
            .writeHead(400, {
              "content-type": "application/x-amz-json-1.1",
              "x-amzn-errortype": "ThrottlingException",
            })
            .end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }))
          return
        }
        const go = () => this.#forward(req, body, res)
        if (this.hang) this.#held.push(go)
        else go()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const a = server.address()
    this.port = typeof a === "object" && a !== null ? a.port : 0
    this.#server = server
  }

  /** Stops holding and forwards every held request. */
  release(): void {
    this.hang = false
    for (const go of this.#held.splice(0)) go()
  }

  async stop(): Promise<void> {
    this.release()
    const server = this.#server
    this.#server = undefined
    server?.closeAllConnections()
    if (server !== undefined) await new Promise((r) => server.close(r))
  }

  #forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    if (res.destroyed) return
    const up = request(
      {
        host: this.#target.hostname,
        port: this.#target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.#target.host },
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers)
        upRes.pipe(res)
      },
    )
    up.on("error", () => res.destroy())
    up.end(body)
  }
}

function describeCall(req: IncomingMessage, body: Buffer): string {
  const target = req.headers["x-amz-target"]
  if (typeof target === "string") {
    const op = target.split(".").at(-1) ?? target
    let id: unknown
    try {
      id = (JSON.parse(body.toString()) as { SecretId?: unknown }).SecretId
    } catch {
      // not JSON: no SecretId
    }
    return typeof id === "string" && id !== "" ? `${op} ${id}` : op
  }
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString())?.[1]
  return action ?? `${req.method ?? ""} ${req.url ?? ""}`
}
