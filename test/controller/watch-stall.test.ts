import { KubeConfig } from "@kubernetes/client-node"
import { createServer, type ServerResponse } from "node:http"
import { afterEach, describe, expect, it } from "vitest"
import { Watcher, type WatchedObject } from "../../controller/kube/watch.js"

const open: ServerResponse[] = []
afterEach(() => {
  for (const r of open.splice(0)) r.destroy()
})

describe("Watcher supervision", () => {
  it("should detect a watch that went silent, restart it and keep delivering events", async () => {
    let watches = 0
    const server = createServer((req, res) => {
      watches++
      res.writeHead(200, { "content-type": "application/json" })
      const n = watches
      res.write(
        `${JSON.stringify({ type: "ADDED", object: { metadata: { name: `obj-${n}`, resourceVersion: String(10 + n) } } })}\n`,
      )
      open.push(res) // never ended: the connection is alive but says nothing more (client-node #958)
      expect(req.url).toContain("allowWatchBookmarks=true")
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    const addr = server.address()
    const port = typeof addr === "object" && addr !== null ? addr.port : 0
    const kc = new KubeConfig()
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    })
    const seen: string[] = []
    const errors: string[] = []
    let lists = 0
    const w = new Watcher(
      kc,
      {
        name: "things",
        path: "/apis/x/v1/things",
        list: () => {
          lists++
          return Promise.resolve({ items: [] as WatchedObject[], resourceVersion: "10" })
        },
      },
      {
        onList: () => undefined,
        onEvent: (_t, o) => seen.push(o.metadata?.name ?? ""),
        onError: (err) => {
          errors.push(String(err))
        },
      },
      { random: () => 0, minTimeoutSeconds: 1, maxBackoffMs: 100, stallGraceMs: 300, relistMs: 60_000 },
    )
    w.start()
    const deadline = Date.now() + 10_000
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    w.stop()
    await new Promise((r) => server.close(r))
    expect(seen.slice(0, 2)).toEqual(["obj-1", "obj-2"])
    expect(w.stalls).toBeGreaterThanOrEqual(1)
    expect(errors[0]).toMatch(/stalled/)
    expect(lists).toBe(1) // resumed from the last resourceVersion, no re-list needed
  })
})
