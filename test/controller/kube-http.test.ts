import { KubeConfig } from "@kubernetes/client-node"
import { createServer, type Server } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ClientNodeKube } from "../../controller/kube/client.js"
import { hardenApiClients, type PooledConnections } from "../../controller/kube/http.js"

// A stand-in API server: one Secret answers, another never does; new TCP connections are counted.
describe("kube API clients: deadline and connection reuse", () => {
  let server: Server
  let connections = 0
  let kc: KubeConfig
  let pooled: PooledConnections

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.endsWith("/secrets/hangs") === true) return // never answered
      res.writeHead(200, { "content-type": "application/json" })
      res.end(
        JSON.stringify({
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "s", namespace: "ns", uid: "u1" },
        }),
      )
    })
    server.on("connection", () => connections++)
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    const port = (server.address() as { port: number }).port
    kc = new KubeConfig()
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    })
    pooled = hardenApiClients(kc, 300)
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  it("should fail a request the API server never answers, retryably, after the deadline", async () => {
    const kube = new ClientNodeKube(kc)
    const started = Date.now()
    await expect(kube.getSecret("ns", "hangs")).rejects.toMatchObject({ code: "KUBE", retryable: true })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it("should send consecutive requests over one kept-alive connection", async () => {
    const kube = new ClientNodeKube(kc)
    const before = connections
    for (let i = 0; i < 5; i++) expect((await kube.getSecret("ns", "s"))?.metadata.name).toBe("s")
    expect(connections - before).toBe(1)
  })

  it("should dial a new connection after a reset instead of reusing a pooled one", async () => {
    const kube = new ClientNodeKube(kc)
    expect((await kube.getSecret("ns", "s"))?.metadata.name).toBe("s")
    const before = connections
    pooled.reset()
    expect((await kube.getSecret("ns", "s"))?.metadata.name).toBe("s")
    expect((await kube.getSecret("ns", "s"))?.metadata.name).toBe("s")
    expect(connections - before).toBe(1)
  })
})
