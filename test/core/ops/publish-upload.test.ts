import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import type { CallOptions } from "../../../src/keys/backend.js"
import type { Prepared } from "../../../src/ops/publish.js"
import { publishSinks, uploadPrepared, type PublishSinks } from "../../../src/ops/publish-upload.js"

// publish's uploads in-process (issue 8: mutation testing of src/ops): uploadPrepared against a
// fake of its two ports, and the real Vault sink against a local HTTP server that records what
// it is sent (the S3 sink is the AWS SDK's client: test/integration/publish.test.ts on moto).

type Call = readonly [string, ...unknown[]]
function fakeSinks(current: unknown = null, fail?: Error): PublishSinks & { calls: Call[] } {
  const calls: Call[] = []
  const maybeFail = (): Promise<void> => (fail === undefined ? Promise.resolve() : Promise.reject(fail))
  return {
    calls,
    putObject: (bucket, key, body, opts) => {
      calls.push(["put", bucket, key, body, opts])
      return maybeFail()
    },
    vaultRead: (address, path, opts) => {
      calls.push(["read", address, path, opts])
      return Promise.resolve(current)
    },
    vaultWrite: (address, path, body, opts) => {
      calls.push(["write", address, path, body, opts])
      return maybeFail()
    },
    close: () => undefined,
  }
}

const body = new Uint8Array([1, 2, 3])
const s3: Prepared = { kind: "s3", bucket: "b", key: "k/f.yaml", body, diff: "", display: "s3://b/k/f.yaml" }
const data = { a: 1, n: { y: [1, "two"], x: true } }
const vault = (kvVersion: 1 | 2): Prepared => ({
  kind: "vault",
  address: "http://v",
  apiPath: kvVersion === 1 ? "kv/p/f" : "kv/data/p/f",
  kvVersion,
  data,
  diff: "",
  display: (a) => `${a}/v1/x`,
})
const call: CallOptions = { timeoutMs: 5 }
const S3_HINT = "check the bucket exists and the AWS credentials may write to it (--debug shows the cause)"
const VAULT_HINT =
  "check VAULT_ADDR/vault_address, the token and that the KV mount exists (--debug shows the cause)"

describe("uploadPrepared", () => {
  it("should put the S3 body as prepared, with the call options", async () => {
    const sinks = fakeSinks()
    expect(await uploadPrepared(s3, sinks, call)).toBeNull()
    expect(sinks.calls).toEqual([["put", "b", "k/f.yaml", body, call]])
  })

  it("should pass empty call options when none are given", async () => {
    const sinks = fakeSinks()
    await uploadPrepared(s3, sinks)
    expect(sinks.calls[0]?.[4]).toEqual({})
  })

  it("should write KV v2 data under data, and nothing when the stored version holds the same (key order aside)", async () => {
    const fresh = fakeSinks(null)
    expect(await uploadPrepared(vault(2), fresh, call)).toBeNull()
    expect(fresh.calls).toEqual([
      ["read", "http://v", "kv/data/p/f", call],
      ["write", "http://v", "kv/data/p/f", { data }, call],
    ])
    const same = fakeSinks({ data: { n: { x: true, y: [1, "two"] }, a: 1 }, metadata: { version: 3 } })
    expect(await uploadPrepared(vault(2), same, call)).toBe("Secret in kv/data/p/f is already up-to-date.")
    expect(same.calls.map((c) => c[0])).toEqual(["read"])
  })

  it("should compare objects inside lists with their keys in any order", async () => {
    const listed: Prepared = { ...vault(2), data: { l: [{ a: 1, b: [{ c: 1, d: 2 }] }] } } as Prepared
    const same = fakeSinks({ data: { l: [{ b: [{ d: 2, c: 1 }], a: 1 }] } })
    expect(await uploadPrepared(listed, same)).toBe("Secret in kv/data/p/f is already up-to-date.")
  })

  it.each([
    ["another value", { data: { ...data, a: 2 } }],
    ["a list in another order", { data: { ...data, n: { x: true, y: ["two", 1] } } }],
    ["a key more", { data: { ...data, b: 1 } }],
    ["no data", { metadata: {} }],
    ["a list", [data]],
    ["a string", "x"],
  ])("should write KV v2 when the stored version holds %s", async (_, current) => {
    const sinks = fakeSinks(current)
    expect(await uploadPrepared(vault(2), sinks, call)).toBeNull()
    expect(sinks.calls.map((c) => c[0])).toEqual(["read", "write"])
  })

  it("should always write KV v1, with the values at the top level", async () => {
    const sinks = fakeSinks({ data })
    expect(await uploadPrepared(vault(1), sinks, call)).toBeNull()
    expect(sinks.calls[1]).toEqual(["write", "http://v", "kv/p/f", data, call])
    const copy = sinks.calls[1]?.[3]
    expect(copy).not.toBe(data)
  })

  it("should name the destination and keep the cause when a write fails", async () => {
    const cause = new Error("socket hang up")
    const e1 = await uploadPrepared(s3, fakeSinks(null, cause)).catch((e: unknown) => e)
    expect(e1).toBeInstanceOf(BridgeError)
    expect(e1).toMatchObject({
      code: "PUBLISH",
      message: "could not publish to s3://b/k/f.yaml",
      hint: S3_HINT,
    })
    expect((e1 as Error).cause).toBe(cause)
    const e2 = await uploadPrepared(vault(2), fakeSinks(null, cause)).catch((e: unknown) => e)
    expect(e2).toMatchObject({
      code: "PUBLISH",
      message: "could not publish to kv/data/p/f",
      hint: VAULT_HINT,
    })
    expect((e2 as Error).cause).toBe(cause)
  })

  it("should pass a publish error on as it is, and wrap any other coded error", async () => {
    const own = new BridgeError("PUBLISH", "no Vault token: set VAULT_TOKEN or write ~/.vault-token")
    expect(await uploadPrepared(vault(1), fakeSinks(null, own)).catch((e: unknown) => e)).toBe(own)
    const other = new BridgeError("PROVIDER", "vault POST kv/p/f: 500")
    const e = await uploadPrepared(vault(1), fakeSinks(null, other)).catch((e: unknown) => e)
    expect(e).toMatchObject({ code: "PUBLISH", message: "could not publish to kv/p/f" })
    expect((e as Error).cause).toBe(other)
  })
})

// The real Vault sink against a local server: paths, token header, namespace, JSON bodies.
interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}
const seen: Seen[] = []
let reply: { status: number; json: unknown } = { status: 200, json: {} }
const server = createServer((req, res) => {
  let text = ""
  req.on("data", (c: Buffer) => (text += c.toString()))
  req.on("end", () => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: text })
    res.writeHead(reply.status, { "content-type": "application/json" })
    res.end(JSON.stringify(reply.json))
  })
})
let addr = ""
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  addr = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe("publishSinks (Vault)", () => {
  const sinksWith = (env: Record<string, string>, token: string | null = "tok") =>
    publishSinks({ env, debug: false, vaultToken: () => Promise.resolve(token) })

  it("should read the data of a secret with the token, at the rule's address", async () => {
    seen.length = 0
    reply = { status: 200, json: { data: { data: { a: 1 } } } }
    const sinks = sinksWith({ VAULT_ADDR: "http://127.0.0.1:1" })
    try {
      expect(await sinks.vaultRead(addr, "kv/data/a b/f")).toEqual({ data: { a: 1 } })
    } finally {
      sinks.close()
    }
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: "GET", url: "/v1/kv/data/a%20b/f" })
    expect(seen[0]?.headers["x-vault-token"]).toBe("tok")
  })

  it("should read null for no data, a failed read or no token (sops writes anyway)", async () => {
    reply = { status: 200, json: { warnings: [] } }
    const sinks = sinksWith({ VAULT_ADDR: addr })
    try {
      expect(await sinks.vaultRead("", "kv/data/f")).toBeNull()
      reply = { status: 500, json: { errors: ["boom"] } }
      expect(await sinks.vaultRead("", "kv/data/f")).toBeNull()
      reply = { status: 404, json: { errors: [] } }
      expect(await sinks.vaultRead("", "kv/data/f")).toBeNull()
    } finally {
      sinks.close()
    }
    seen.length = 0
    reply = { status: 200, json: { data: { data: { a: 1 } } } }
    const tokenless = sinksWith({ VAULT_ADDR: addr }, null)
    expect(await tokenless.vaultRead("", "kv/data/f")).toBeNull()
    expect(seen).toHaveLength(0)
    tokenless.close()
  })

  it("should write the body as JSON to VAULT_ADDR when the rule names no address, with the namespace", async () => {
    seen.length = 0
    reply = { status: 204, json: {} }
    const sinks = sinksWith({ VAULT_ADDR: addr, VAULT_NAMESPACE: "team-a" })
    try {
      await sinks.vaultWrite("", "kv/data/f", { data: { a: 1 } })
    } finally {
      sinks.close()
    }
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: "POST", url: "/v1/kv/data/f" })
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({ data: { a: 1 } })
    expect(seen[0]?.headers["x-vault-token"]).toBe("tok")
    expect(seen[0]?.headers["x-vault-namespace"]).toBe("team-a")
  })

  it("should send no namespace header when VAULT_NAMESPACE is unset", async () => {
    seen.length = 0
    reply = { status: 204, json: {} }
    const sinks = sinksWith({ VAULT_ADDR: addr })
    await sinks.vaultWrite("", "kv/f", { a: 1 })
    sinks.close()
    expect(seen[0]?.headers["x-vault-namespace"]).toBeUndefined()
  })

  it("should refuse a write without a token, saying where a token is looked for", async () => {
    seen.length = 0
    const sinks = sinksWith({ VAULT_ADDR: addr }, null)
    const err = await sinks.vaultWrite("", "kv/f", { a: 1 }).catch((e: unknown) => e)
    sinks.close()
    expect(err).toBeInstanceOf(BridgeError)
    expect(err).toMatchObject({
      code: "PUBLISH",
      message: "no Vault token: set VAULT_TOKEN or write ~/.vault-token",
    })
    expect(seen).toHaveLength(0)
  })

  it("should fail a write the server refuses", async () => {
    reply = { status: 403, json: { errors: ["permission denied"] } }
    const sinks = sinksWith({ VAULT_ADDR: addr })
    await expect(sinks.vaultWrite("", "kv/f", { a: 1 })).rejects.toBeInstanceOf(BridgeError)
    sinks.close()
  })
})
