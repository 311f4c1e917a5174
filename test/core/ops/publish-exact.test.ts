import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import type { CreationRule } from "../../../src/config/creation-rule.js"
import type { Destination, DestinationRule } from "../../../src/config/destination-rules.js"
import type { KeySpec } from "../../../src/config/key-spec.js"
import { BridgeError } from "../../../src/errors.js"
import type { KeyBackend } from "../../../src/keys/backend.js"
import { preparePublish, type Prepared, type PublishRequest } from "../../../src/ops/publish.js"
import { publishSinks, uploadPrepared, type PublishSinks } from "../../../src/ops/publish-upload.js"
import { fakeBackend, fakeOpener, fakeSealDeps, sealYamlWith } from "../../helpers/fake-keys.js"

// publish, the cases publish.test.ts and publish-upload.test.ts leave open (issue 8: mutation
// testing of src/ops, part `publish`): a key-group diff that only removes keys, KV v2 values
// compared by type and not only by their keys, Vault's default address, and the real S3 sink
// against a local HTTP server (the AWS SDK's client: path-style PUT, body, connection closed).

const PLAIN = "a: 1\nb: secret\n"
const noKeys: CreationRule = { keyGroups: [[]], shamirThreshold: 0, rule: null, macOnlyEncrypted: false }
const pgp = (fingerprint: string): KeySpec => ({ kind: "pgp", fingerprint })
const s3: Destination = { kind: "s3", bucket: "bkt", prefix: "pre/" }
const destRule = (recreation: CreationRule): DestinationRule => ({
  pathRegex: null,
  destination: s3,
  recreation,
  omitExtensions: false,
})
const specId = (k: KeySpec): string => (k.kind === "pgp" ? k.fingerprint : "?")
const request = (input: Uint8Array, rule: DestinationRule, ids: string[]): PublishRequest => ({
  input,
  source: "f.yaml",
  format: "yaml",
  rule,
  name: "f.yaml",
  omitExtensions: false,
  openers: [fakeOpener("pgp", ids)],
  backendsFor: (groups) => groups.map((g) => g.map((k) => fakeBackend("pgp", specId(k)))),
})
const s3Of = (p: Prepared) => {
  if (p.kind !== "s3") throw new Error(`expected s3, got ${p.kind}`)
  return p
}

describe("preparePublish: the key-group diff", () => {
  it("should print a diff that only removes a key, and one per group with removals only", async () => {
    const both = (backends: KeyBackend[][]) => sealYamlWith(PLAIN, backends)
    const input = await both([[fakeBackend("pgp", "OLD"), fakeBackend("pgp", "KEEP")]])
    const rule: CreationRule = { ...noKeys, keyGroups: [[pgp("KEEP")]] }
    const p = s3Of(await preparePublish(request(input, destRule(rule), ["KEEP"]), fakeSealDeps))
    expect(p.diff).toBe(
      "The following changes will be made to the file's key groups:\nGroup 1\n    KEEP\n--- OLD\n",
    )
    const two = await both([[fakeBackend("pgp", "A")], [fakeBackend("pgp", "B")]])
    const one = s3Of(
      await preparePublish(
        request(two, destRule({ ...noKeys, keyGroups: [[pgp("A")]] }), ["A", "B"]),
        fakeSealDeps,
      ),
    )
    expect(one.diff).toBe(
      "The following changes will be made to the file's key groups:\nGroup 1\n    A\nGroup 2\n--- B\n",
    )
  })
})

type Call = readonly [string, ...unknown[]]
function fakeSinks(current: unknown): PublishSinks & { calls: Call[] } {
  const calls: Call[] = []
  return {
    calls,
    putObject: () => Promise.resolve(),
    vaultRead: (address, path) => {
      calls.push(["read", address, path])
      return Promise.resolve(current)
    },
    vaultWrite: (address, path, body) => {
      calls.push(["write", address, path, body])
      return Promise.resolve()
    },
    close: () => undefined,
  }
}
const kv2 = (data: Record<string, unknown>): Prepared =>
  ({
    kind: "vault",
    address: "http://v",
    apiPath: "kv/data/f",
    kvVersion: 2,
    data,
    diff: "",
    display: (a: string) => `${a}/v1/kv/data/f`,
  }) as Prepared

describe("uploadPrepared: KV v2 compared value by value", () => {
  it.each([
    ["a number for another", { a: 1 }, { a: 2 }],
    ["a string for an object of its characters", { a: "xy" }, { a: { "0": "x", "1": "y" } }],
    ["true for false", { a: true }, { a: false }],
    ["null for an empty object", { a: null }, { a: {} }],
    ["a list for an object of its items", { a: ["x"] }, { a: { "0": "x" } }],
  ])("should write when the stored version holds %s", async (_, data, stored) => {
    const sinks = fakeSinks({ data: stored })
    expect(await uploadPrepared(kv2(data), sinks)).toBeNull()
    expect(sinks.calls.map((c) => c[0])).toEqual(["read", "write"])
  })

  it("should write nothing when the stored version holds equal values of every kind", async () => {
    const data = { s: "xy", n: 1.5, t: true, z: null, l: [1, { b: 2, a: "x" }], o: { k: [] } }
    const sinks = fakeSinks({
      data: { o: { k: [] }, l: [1, { a: "x", b: 2 }], z: null, t: true, n: 1.5, s: "xy" },
    })
    expect(await uploadPrepared(kv2(data), sinks)).toBe("Secret in kv/data/f is already up-to-date.")
    expect(sinks.calls).toEqual([["read", "http://v", "kv/data/f"]])
  })
})

describe("publishSinks: Vault's default address", () => {
  it("should use https://127.0.0.1:8200 when neither the rule nor VAULT_ADDR names one", async () => {
    // Nothing listens there in the tests: the failure names the address tried. The process's
    // VAULT_ADDR points at a server that answers: the sink reads the address from its env only
    // (node-vault would fall back to process.env.VAULT_ADDR for an empty endpoint).
    vi.stubEnv("VAULT_ADDR", endpoint)
    try {
      const sinks = publishSinks({ env: {}, debug: false, vaultToken: () => Promise.resolve("tok") })
      const err = await sinks.vaultWrite("", "kv/f", { a: 1 }).catch((e: unknown) => e)
      sinks.close()
      expect(err).toBeInstanceOf(BridgeError)
      expect((err as Error).message).toMatch(/^vault POST kv\/f: .*127\.0\.0\.1:8200/)
      expect(seen.filter((s) => s.url.startsWith("/v1/"))).toEqual([])
    } finally {
      vi.stubEnv("VAULT_ADDR", undefined)
    }
  })
})

describe("preparePublish to Vault: a plain file", () => {
  it("should refuse it before opening anything, with publish's hint", async () => {
    const vault: Destination = { kind: "vault", address: "", path: "p/", mount: "kv/", kvVersion: 2 }
    const rule: DestinationRule = {
      pathRegex: null,
      destination: vault,
      recreation: noKeys,
      omitExtensions: false,
    }
    const err = await preparePublish(
      request(new TextEncoder().encode(PLAIN), rule, ["K"]),
      fakeSealDeps,
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BridgeError)
    expect(err).toMatchObject({
      code: "NOT_SEALED",
      message: "f.yaml: sops metadata not found",
      hint: "publish sends sealed files",
    })
  })
})

// The real S3 sink: the AWS SDK against a local server standing in for the bucket's endpoint.
interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
}
const seen: Seen[] = []
const sockets = new Set<Socket>()
const closed: Socket[] = []
const http = createHttpServer((req, res) => {
  const chunks: Buffer[] = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks),
    })
    res.writeHead(200, { etag: '"abc"' })
    res.end()
  })
})
// Keep idle connections open long: a client that closes its own shows it.
http.keepAliveTimeout = 60_000
http.on("connection", (s: Socket) => {
  sockets.add(s)
  s.on("close", () => closed.push(s))
})
let endpoint = ""
beforeAll(async () => {
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r))
  endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDTEST")
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret")
  vi.stubEnv("AWS_SESSION_TOKEN", "")
})
afterAll(async () => {
  vi.unstubAllEnvs()
  for (const s of sockets) s.destroy()
  await new Promise<void>((r) => http.close(() => r()))
})

describe("publishSinks: S3", () => {
  it("should PUT the body path-style to the endpoint, once per object, and close the connection on close", async () => {
    seen.length = 0
    const sinks = publishSinks({
      env: { AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: "eu-west-1" },
      debug: false,
      vaultToken: () => Promise.resolve(null),
    })
    await sinks.putObject("bkt", "pre/f.yaml", new Uint8Array([104, 105]))
    await sinks.putObject("bkt", "pre/g.yaml", new Uint8Array([1]))
    expect(seen.map((s) => [s.method, s.url.replace(/\?.*$/, ""), [...s.body]])).toEqual([
      ["PUT", "/bkt/pre/f.yaml", [104, 105]],
      ["PUT", "/bkt/pre/g.yaml", [1]],
    ])
    expect(seen[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/s3\//,
    )
    const open = [...sockets].filter((s) => !closed.includes(s))
    expect(open.length).toBeGreaterThan(0)
    sinks.close()
    await vi.waitFor(() => expect(open.every((s) => closed.includes(s))).toBe(true), { timeout: 3000 })
  })
})
