import { describe, expect, it } from "vitest"
import { BridgeError } from "../../../src/errors.js"
import { AwsSecretsManagerProvider, smVersion } from "../../../src/providers/aws/provider.js"
import type { SecretsManagerApi, SmListed, SmValue, SmVersion } from "../../../src/providers/aws/sm-api.js"
import { mapAwsError } from "../../../src/clients/aws-errors.js"
import { isThrottled } from "../../../src/providers/provider-error.js"

const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

/** A fake port recording calls; secrets: full name → value and tags. */
function fakeApi(secrets: Record<string, { value: SmValue; tags?: Record<string, string> }>) {
  const calls: { op: string; arg: unknown }[] = []
  const api: SecretsManagerApi = {
    getSecretValue(id: string, version: SmVersion) {
      calls.push({ op: "get", arg: { id, version } })
      const s = secrets[id]
      return s === undefined
        ? Promise.reject(new BridgeError("NOT_FOUND", `secret ${id}: not found`))
        : Promise.resolve(s.value)
    },
    listSecrets(filter, next) {
      calls.push({ op: "list", arg: { filter, next } })
      const all: SmListed[] = Object.entries(secrets).map(([name, s]) => ({ name, tags: s.tags ?? {} }))
      const start = next === undefined ? 0 : Number(next)
      const page = all.slice(start, start + 2)
      return Promise.resolve(
        start + 2 < all.length ? { secrets: page, next: String(start + 2) } : { secrets: page },
      )
    },
    batchGetSecretValue(ids) {
      calls.push({ op: "batch", arg: ids })
      return Promise.resolve(ids.flatMap((id) => (secrets[id] === undefined ? [] : [secrets[id].value])))
    },
    whoAmI() {
      calls.push({ op: "whoami", arg: null })
      return Promise.resolve("arn:aws:iam::123456789012:user/x")
    },
    close() {
      calls.push({ op: "close", arg: null })
    },
  }
  return { api, calls }
}

describe("AWS Secrets Manager provider (port semantics)", () => {
  it("should map ESO versions: empty → AWSCURRENT, uuid/<id> → VersionId, else a stage", () => {
    expect(smVersion(undefined)).toEqual({ stage: "AWSCURRENT" })
    expect(smVersion("AWSPREVIOUS")).toEqual({ stage: "AWSPREVIOUS" })
    expect(smVersion("uuid/0b6b-11")).toEqual({ versionId: "0b6b-11" })
  })

  it("should prepend the prefix and return SecretString or SecretBinary bytes", async () => {
    const { api, calls } = fakeApi({
      "team/db": { value: { name: "team/db", string: '{"user":"u","pass":"p"}' } },
      "team/bin": { value: { name: "team/bin", binary: new Uint8Array([0, 255]) } },
    })
    const p = new AwsSecretsManagerProvider({ prefix: "team/" }, api)
    expect(dec(await p.get({ key: "db" }))).toBe('{"user":"u","pass":"p"}')
    expect([...(await p.get({ key: "bin", version: "uuid/abc" }))]).toEqual([0, 255])
    expect(calls[1]).toEqual({ op: "get", arg: { id: "team/bin", version: { versionId: "abc" } } })
    const map = await p.getMap({ key: "db" })
    expect(dec(map.get("pass") ?? new Uint8Array())).toBe("p")
  })

  it("should extract a nested object with getMap when a property is given", async () => {
    const { api } = fakeApi({ app: { value: { name: "app", string: '{"db":{"host":"h","port":5432}}' } } })
    const map = await new AwsSecretsManagerProvider({}, api).getMap({ key: "app", property: "db" })
    expect(Object.fromEntries([...map].map(([k, v]) => [k, dec(v)]))).toEqual({ host: "h", port: "5432" })
  })

  it("should find across list pages and fetch matches in batches of at most 20", async () => {
    const secrets: Record<string, { value: SmValue; tags?: Record<string, string> }> = {}
    for (let i = 0; i < 45; i++) {
      const name = `p/app-${String(i).padStart(2, "0")}`
      secrets[name] = { value: { name, string: `v${i}` }, tags: { env: i % 3 === 0 ? "prod" : "dev" } }
    }
    secrets["p/other"] = { value: { name: "p/other", string: "o" }, tags: { env: "prod" } }
    const { api, calls } = fakeApi(secrets)
    const p = new AwsSecretsManagerProvider({ prefix: "p/" }, api)
    const found = await p.find({ name: "^app-", tags: { env: "prod" } })
    expect(found.size).toBe(15)
    expect(dec(found.get("app-03") ?? new Uint8Array())).toBe("v3")
    expect(found.has("other")).toBe(false)
    expect(calls.filter((c) => c.op === "list").length).toBe(23)
    const batches = calls.filter((c) => c.op === "batch").map((c) => (c.arg as string[]).length)
    expect(batches).toEqual([15])
    const all = await p.find({ name: "app" })
    expect(all.size).toBe(45)
    expect(calls.filter((c) => c.op === "batch").map((c) => (c.arg as string[]).length)).toEqual([
      15, 20, 20, 5,
    ])
  })

  it("should validate with a caller-identity call and release the client on close", async () => {
    const { api, calls } = fakeApi({})
    const p = new AwsSecretsManagerProvider({}, api)
    await p.validate()
    await p.close()
    expect(calls.map((c) => c.op)).toEqual(["whoami", "close"])
  })
})

describe("AWS error mapping", () => {
  const sdkError = (name: string, status: number, message = "m") =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })

  it("should tell not found, access denied and throttling apart", () => {
    const nf = mapAwsError(sdkError("ResourceNotFoundException", 400), "secret a")
    expect(nf.code).toBe("NOT_FOUND")
    const gone = mapAwsError(
      sdkError("InvalidRequestException", 400, "secret is marked for deletion"),
      "secret a",
    )
    expect(gone.code).toBe("NOT_FOUND")
    const denied = mapAwsError(sdkError("AccessDeniedException", 400), "secret a")
    expect([denied.code, denied.retryable, isThrottled(denied)]).toEqual(["ACCESS_DENIED", false, false])
    expect(denied.message).toContain("access denied")
    const throttled = mapAwsError(sdkError("ThrottlingException", 400), "secret a")
    expect([throttled.code, throttled.retryable, isThrottled(throttled)]).toEqual(["PROVIDER", true, true])
    expect(isThrottled(mapAwsError(sdkError("Whatever", 429), "x"))).toBe(true)
    const server = mapAwsError(sdkError("InternalServiceError", 500), "x")
    expect([server.retryable, isThrottled(server)]).toEqual([true, false])
    const refused = mapAwsError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "x",
    )
    expect(refused.retryable).toBe(true)
  })
})
