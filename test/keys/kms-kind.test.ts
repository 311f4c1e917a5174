import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { envCredentials } from "../../src/clients/kms.js"
import { KeyError } from "../../src/errors.js"
import type { WrappedKey } from "../../src/keys/backend.js"
import type { KeyDeps } from "../../src/keys/deps.js"
import type { KmsApi, KmsTarget } from "../../src/keys/kms-api.js"
import { kmsKind, kmsKindWith, type KmsApiFactory } from "../../src/keys/kms-kind.js"

// src/keys/kms-kind.ts in-process (mutation testing: before this only the AWS SDK against moto
// reached it). First through its port, a stand-in KMS API: what it hands on from KeyDeps and that
// one API serves one deps. Then the real kmsKind and AWS SDK against a local KMS/STS endpoint
// (endpoint and static keys in KeyDeps.env, never process.env): one client per region and role,
// a fresh one for other deps and after a failed role assumption.

const EU = "arn:aws:kms:eu-west-1:111122223333:key/k-eu"
const US = "arn:aws:kms:us-east-2:111122223333:key/k-us"
const KEY = new Uint8Array(32).fill(7)

function deps(env: Record<string, string>, over: Partial<KeyDeps> = {}): KeyDeps {
  return {
    env,
    now: () => new Date("2026-01-02T03:04:05.678Z"),
    readFile: () => Promise.resolve(null),
    run: () => Promise.reject(new Error("no commands")),
    homeDir: "/home/u",
    userConfigDir: "/home/u/.config",
    hostname: "my-host.local",
    debug: false,
    ...over,
  }
}

interface Call {
  readonly api: number
  readonly op: "encrypt" | "decrypt"
  readonly t: KmsTarget
  readonly context: Readonly<Record<string, string>> | undefined
}

/** A KmsApiFactory that records what it is made with and what each API it makes is asked. */
function standIn(): {
  load: () => Promise<KmsApiFactory>
  loads: () => number
  made: { env: KeyDeps["env"]; debug: boolean }[]
  calls: Call[]
} {
  let loads = 0
  const made: { env: KeyDeps["env"]; debug: boolean }[] = []
  const calls: Call[] = []
  const factory: KmsApiFactory = (env, debug) => {
    const api = made.push({ env, debug }) - 1
    const answer: KmsApi = {
      encrypt: (t, plaintext, context) => {
        calls.push({ api, op: "encrypt", t, context })
        return Promise.resolve(Uint8Array.from([...plaintext].reverse()))
      },
      decrypt: (t, ciphertext, context) => {
        calls.push({ api, op: "decrypt", t, context })
        return Promise.resolve(Uint8Array.from([...ciphertext].reverse()))
      },
      close: () => undefined,
    }
    return answer
  }
  return {
    load: () => {
      loads++
      return Promise.resolve(factory)
    },
    loads: () => loads,
    made,
    calls,
  }
}

describe("kmsKindWith: what it hands the KMS API", () => {
  it("should load nothing before the first call, then make the API from the deps' env and debug flag", async () => {
    const s = standIn()
    const kind = kmsKindWith(s.load)
    const d = deps({ AWS_REGION: "x" }, { debug: true })
    const backend = kind.backend({ kind: "kms", arn: EU }, d)
    const opener = kind.opener(d)
    expect(await opener.unwrap({ kind: "age", recipient: "age1x", enc: "x" })).toBeNull()
    expect(s.loads()).toBe(0)
    const wrapped = await backend.wrap(KEY)
    expect(s.loads()).toBe(1)
    expect(s.made).toHaveLength(1)
    expect(s.made[0]?.env).toBe(d.env)
    expect(s.made[0]?.debug).toBe(true)
    expect(await opener.unwrap(wrapped)).toEqual(KEY)
    expect(s.loads()).toBe(1)

    await kind.backend({ kind: "kms", arn: EU }, deps({}, { debug: false })).wrap(KEY)
    expect(s.made[1]?.debug).toBe(false)
  })

  it("should share one API between the backend, rewrap and opener of one deps, and make another for other deps", async () => {
    const s = standIn()
    const kind = kmsKindWith(s.load)
    const d = deps({})
    const wrapped = await kind.backend({ kind: "kms", arn: EU }, d).wrap(KEY)
    if (wrapped.kind !== "kms") throw new Error("not a kms key")
    await kind.rewrap(wrapped, d).wrap(KEY)
    expect(await kind.opener(d).unwrap(wrapped)).toEqual(KEY)
    await kind.backend({ kind: "kms", arn: US }, d).wrap(KEY)
    expect(s.made).toHaveLength(1)
    expect(s.calls.map((c) => [c.api, c.op])).toEqual([
      [0, "encrypt"],
      [0, "encrypt"],
      [0, "decrypt"],
      [0, "encrypt"],
    ])
    await kind.backend({ kind: "kms", arn: EU }, deps({})).wrap(KEY)
    expect(s.made).toHaveLength(2)
    expect(s.calls.at(-1)?.api).toBe(1)
  })

  it("should read the deps' clock at wrap time and name the STS session after its hostname", async () => {
    const s = standIn()
    let now = new Date("2026-03-04T05:06:07.890Z")
    const d = deps({}, { now: () => now })
    const backend = kmsKindWith(s.load).backend(
      {
        kind: "kms",
        arn: US,
        role: "arn:aws:iam::111122223333:role/r",
        context: { app: "a" },
        awsProfile: "p",
      },
      d,
    )
    now = new Date("2026-05-06T07:08:09.000Z")
    const wrapped = await backend.wrap(KEY)
    expect(wrapped).toMatchObject({
      kind: "kms",
      createdAt: "2026-05-06T07:08:09Z",
      role: "arn:aws:iam::111122223333:role/r",
    })
    expect(s.calls[0]?.t).toEqual({
      keyId: US,
      region: "us-east-2",
      sessionName: "sops@myhost.local",
      profile: "p",
      role: "arn:aws:iam::111122223333:role/r",
    })
    expect(s.calls[0]?.context).toEqual({ app: "a" })
  })

  it("should open with the stored key's region, role, profile and context", async () => {
    const s = standIn()
    const kind = kmsKindWith(s.load)
    const wrapped: WrappedKey = {
      kind: "kms",
      arn: EU,
      role: "arn:aws:iam::111122223333:role/r",
      context: { env: "prod" },
      createdAt: "2026-01-02T03:04:05Z",
      enc: Buffer.from([...KEY].reverse()).toString("base64"),
      awsProfile: "p",
    }
    expect(await kind.opener(deps({}, { hostname: "h" })).unwrap(wrapped)).toEqual(KEY)
    expect(s.calls).toEqual([
      {
        api: 0,
        op: "decrypt",
        t: { keyId: EU, region: "eu-west-1", sessionName: "sops@h", profile: "p", role: wrapped.role },
        context: { env: "prod" },
      },
    ])
  })
})

// A local endpoint answering KMS Encrypt/Decrypt (JSON 1.1) and STS AssumeRole (query protocol).
interface Seen {
  readonly conn: number
  readonly op: string
  readonly accessKey: string
  readonly region: string
  readonly body: string
}
const seen: Seen[] = []
/** Roles whose next AssumeRole is answered AccessDenied. */
const denyOnce = new Set<string>()
let endpoint = ""
const conns = new WeakMap<Socket, number>()
let nextConn = 0

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => answer(req, res, Buffer.concat(chunks).toString()))
})
server.on("connection", (s: Socket) => conns.set(s, nextConn++))
server.keepAliveTimeout = 60_000

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  const auth = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? "")
  const target = req.headers["x-amz-target"]
  const op = typeof target === "string" ? target.replace("TrentService.", "") : "AssumeRole"
  seen.push({
    conn: conns.get(req.socket) ?? -1,
    op,
    accessKey: auth?.[1] ?? "",
    region: auth?.[2] ?? "",
    body,
  })
  if (op === "AssumeRole") {
    const role = new URLSearchParams(body).get("RoleArn") ?? ""
    if (denyOnce.delete(role)) {
      res.writeHead(403, { "content-type": "text/xml" })
      res.end(
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied</Message></Error><RequestId>1</RequestId></ErrorResponse>",
      )
      return
    }
    const id = `ASIA${role.slice(-2).toUpperCase()}`
    res.writeHead(200, { "content-type": "text/xml" })
    res.end(
      `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    )
    return
  }
  const input = JSON.parse(body) as { KeyId: string; Plaintext?: string; CiphertextBlob?: string }
  const flip = (b64: string | undefined): string =>
    Buffer.from(b64 ?? "", "base64")
      .reverse()
      .toString("base64")
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1" })
  res.end(
    JSON.stringify(
      op === "Encrypt"
        ? { CiphertextBlob: flip(input.Plaintext), KeyId: input.KeyId }
        : { Plaintext: flip(input.CiphertextBlob), KeyId: input.KeyId },
    ),
  )
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  endpoint = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})
beforeEach(() => {
  seen.length = 0
})

const awsEnv = (): Record<string, string> => ({
  AWS_ENDPOINT_URL_KMS: endpoint,
  AWS_ENDPOINT_URL_STS: endpoint,
  AWS_ACCESS_KEY_ID: "AKIDDEPS",
  AWS_SECRET_ACCESS_KEY: "secret",
})
const kmsCalls = (): Seen[] => seen.filter((s) => s.op !== "AssumeRole")
const ROLE_A = "arn:aws:iam::111122223333:role/ra"
const ROLE_B = "arn:aws:iam::111122223333:role/rb"

describe("kmsKind: the AWS SDK's KMS clients, against a local endpoint", () => {
  it("should use one client per region: one connection for every call in a region, another for the next region", async () => {
    const d = deps(awsEnv())
    const eu = kmsKind.backend({ kind: "kms", arn: EU }, d)
    const wrapped = await eu.wrap(KEY)
    await eu.wrap(KEY)
    expect(await kmsKind.opener(d).unwrap(wrapped)).toEqual(KEY)
    await kmsKind.backend({ kind: "kms", arn: US }, d).wrap(KEY)
    const calls = kmsCalls()
    expect(calls.map((c) => [c.op, c.region, c.accessKey])).toEqual([
      ["Encrypt", "eu-west-1", "AKIDDEPS"],
      ["Encrypt", "eu-west-1", "AKIDDEPS"],
      ["Decrypt", "eu-west-1", "AKIDDEPS"],
      ["Encrypt", "us-east-2", "AKIDDEPS"],
    ])
    const [a, b, c, other] = calls.map((x) => x.conn)
    expect([b, c]).toEqual([a, a])
    expect(other).not.toBe(a)
  })

  it("should give other deps a client of their own", async () => {
    await kmsKind.backend({ kind: "kms", arn: EU }, deps(awsEnv())).wrap(KEY)
    await kmsKind.backend({ kind: "kms", arn: EU }, deps(awsEnv())).wrap(KEY)
    const [a, b] = kmsCalls().map((x) => x.conn)
    expect(a).not.toBe(b)
  })

  it("should assume a role once per client, as sops@<host>, and sign with its keys in a client of its own", async () => {
    const d = deps(awsEnv())
    await kmsKind.backend({ kind: "kms", arn: EU }, d).wrap(KEY)
    const withRole = kmsKind.backend({ kind: "kms", arn: EU, role: ROLE_A }, d)
    await withRole.wrap(KEY)
    await withRole.wrap(KEY)
    const assumed = seen.filter((s) => s.op === "AssumeRole")
    expect(assumed).toHaveLength(1)
    expect(assumed[0]?.accessKey).toBe("AKIDDEPS")
    expect(new URLSearchParams(assumed[0]?.body).get("RoleSessionName")).toBe("sops@myhost.local")
    const calls = kmsCalls()
    expect(calls.map((c) => c.accessKey)).toEqual(["AKIDDEPS", "ASIARA", "ASIARA"])
    expect(calls[1]?.conn).not.toBe(calls[0]?.conn)
    expect(calls[2]?.conn).toBe(calls[1]?.conn)
  })

  it("should not keep a failed role assumption: the next call assumes the role again", async () => {
    const d = deps(awsEnv())
    const backend = kmsKind.backend({ kind: "kms", arn: EU, role: ROLE_B }, d)
    denyOnce.add(ROLE_B)
    await expect(backend.wrap(KEY)).rejects.toBeInstanceOf(KeyError)
    await backend.wrap(KEY)
    expect(seen.map((s) => [s.op, s.accessKey])).toEqual([
      ["AssumeRole", "AKIDDEPS"],
      ["AssumeRole", "AKIDDEPS"],
      ["Encrypt", "ASIARB"],
    ])
  })
})

describe("envCredentials: the SDK chain's static keys, from KeyDeps.env", () => {
  const keys = { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" }
  it("should take both keys and a session token", () => {
    expect(envCredentials({ ...keys, AWS_SESSION_TOKEN: "t" }, undefined)).toEqual({
      accessKeyId: "AKID",
      secretAccessKey: "s",
      sessionToken: "t",
    })
    expect(envCredentials({ ...keys, AWS_SESSION_TOKEN: "" }, "")).toEqual({
      accessKeyId: "AKID",
      secretAccessKey: "s",
    })
  })

  it("should leave the SDK's chain to decide when a profile is named or a key is missing", () => {
    expect(envCredentials(keys, "p")).toBeUndefined()
    expect(envCredentials({ ...keys, AWS_PROFILE: "p" }, undefined)).toBeUndefined()
    expect(envCredentials({ AWS_ACCESS_KEY_ID: "AKID" }, undefined)).toBeUndefined()
    expect(envCredentials({ AWS_SECRET_ACCESS_KEY: "s", AWS_ACCESS_KEY_ID: "" }, undefined)).toBeUndefined()
  })
})
