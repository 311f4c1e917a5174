import { createServer, connect, type Server, type Socket } from "node:net"

/**
 * A TCP forwarder in front of a shared peer, so a test can take "the provider" down and bring it
 * back without stopping the peer other tests use.
 */
export class TcpProxy {
  readonly #target: { host: string; port: number }
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  #hanging = false
  port = 0
  /** Connections accepted while hanging (never answered). */
  hungConnections = 0

  constructor(targetUrl: string) {
    const u = new URL(targetUrl)
    this.#target = { host: u.hostname, port: Number(u.port) }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      if (this.#hanging) {
        this.hungConnections++
        this.#sockets.add(client)
        client.on("close", () => this.#sockets.delete(client))
        client.on("error", () => client.destroy())
        return
      }
      const upstream = connect(this.#target.port, this.#target.host)
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on("close", () => this.#sockets.delete(s))
        s.on("error", () => s.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(this.port, "127.0.0.1", () => resolve())
    })
    const a = server.address()
    this.port = typeof a === "object" && a !== null ? a.port : 0
    this.#server = server
  }

  /** Cuts every open connection but keeps accepting new ones (a dropped watch, a LB idle reset). */
  drop(): void {
    for (const s of this.#sockets) s.destroy()
  }

  /**
   * Open connections go silent: still open, nothing forwarded either way (a dead peer behind a
   * NAT). New connections work normally.
   */
  freeze(): void {
    for (const s of this.#sockets) {
      s.unpipe()
      s.pause()
    }
  }

  /**
   * The peer hangs: open connections go silent and new ones are accepted but never answered
   * (a provider that takes requests and never replies, the worst case for a caller).
   */
  hang(): void {
    this.#hanging = true
    this.freeze()
  }

  /** Closes the listener and every open connection (the port then refuses connections). */
  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    const server = this.#server
    this.#server = undefined
    if (server !== undefined) await new Promise((r) => server.close(r))
  }
}
