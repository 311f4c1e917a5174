import { describe, expect, it } from "vitest"
import { Kind } from "../../controller/api/constants.js"
import { controllerOptions } from "../../controller/flags.js"
import { ObjectCache } from "../../controller/kube/cache.js"
import { laneOf, storeOfKey } from "../../controller/lanes.js"
import { Lane } from "../../controller/queue.js"
import { RefIndex, workKey } from "../../controller/refs.js"
import { desiredSecret } from "../../controller/render.js"
import { resourceVersionOf } from "../../controller/schedule.js"

const hmacKey = new Uint8Array(32).fill(7)
const ns = "app"

function externalSecret(generation: number, synced: "never" | "current" | "older", target = "db") {
  const obj = {
    apiVersion: "sealbridge.dev/v1alpha1",
    kind: Kind.ExternalSecret,
    metadata: { name: "db", namespace: ns, uid: "u1", generation, resourceVersion: String(generation) },
    spec: { secretStoreRef: { name: "aws" }, target: { name: target } },
  }
  if (synced === "never") return obj
  const older = { ...obj, metadata: { ...obj.metadata, generation: generation - 1 } }
  const rv = resourceVersionOf(synced === "current" ? obj : older)
  return { ...obj, status: { refreshTime: "2026-01-01T00:00:00Z", syncedResourceVersion: rv } }
}

function secret(name: string, data: Record<string, string>) {
  const s = desiredSecret(
    { name, namespace: ns, labels: {}, annotations: {}, data, immutable: false },
    hmacKey,
  )
  return { metadata: { name, namespace: ns, labels: s.labels, annotations: s.annotations }, data: s.data }
}

describe("laneOf", () => {
  const esKey = workKey(Kind.ExternalSecret, ns, "db")

  it("should put a synced ExternalSecret whose Secret is intact in the periodic lane", () => {
    const cache = new ObjectCache()
    cache.put(Kind.ExternalSecret, externalSecret(3, "current"))
    cache.put("Secret", secret("db", { password: "cGFzcw==" }))
    expect(laneOf(cache, hmacKey, esKey)).toBe(Lane.Periodic)
  })

  it("should make a new, a changed or an unknown ExternalSecret urgent", () => {
    const cache = new ObjectCache()
    cache.put("Secret", secret("db", { password: "cGFzcw==" }))
    expect(laneOf(cache, hmacKey, esKey)).toBe(Lane.Urgent)
    cache.put(Kind.ExternalSecret, externalSecret(1, "never"))
    expect(laneOf(cache, hmacKey, esKey)).toBe(Lane.Urgent)
    cache.put(Kind.ExternalSecret, externalSecret(4, "older"))
    expect(laneOf(cache, hmacKey, esKey)).toBe(Lane.Urgent)
  })

  it("should make an ExternalSecret urgent when its Secret is missing or drifted", () => {
    const cache = new ObjectCache()
    cache.put(Kind.ExternalSecret, externalSecret(3, "current"))
    expect(laneOf(cache, hmacKey, esKey)).toBe(Lane.Urgent)
    const edited = secret("db", { password: "cGFzcw==" })
    const drifted = { ...edited, data: { password: "ZWRpdGVk" } }
    cache.put("Secret", drifted)
    expect(laneOf(cache, hmacKey, esKey)).toBe(Lane.Urgent)
  })

  it("should put a SopsSecret synced at its generation with an intact Secret in the periodic lane", () => {
    const cache = new ObjectCache()
    const key = workKey(Kind.SopsSecret, ns, "s")
    const obj = {
      apiVersion: "sealbridge.dev/v1alpha1",
      kind: Kind.SopsSecret,
      metadata: { name: "s", namespace: ns, generation: 2 },
      spec: { target: { name: "s-target" } },
      status: { syncedResourceVersion: "2" },
    }
    cache.put(Kind.SopsSecret, obj)
    cache.put("Secret", secret("s-target", { a: "Yg==" }))
    expect(laneOf(cache, hmacKey, key)).toBe(Lane.Periodic)
    const edited = { ...obj, metadata: { ...obj.metadata, generation: 3 } }
    cache.put(Kind.SopsSecret, edited)
    expect(laneOf(cache, hmacKey, key)).toBe(Lane.Urgent)
  })

  it("should make a store urgent until it is validated at its current generation", () => {
    const cache = new ObjectCache()
    const key = workKey(Kind.ClusterSecretStore, "", "vault")
    const store = (generation: number, observed?: number) => ({
      apiVersion: "sealbridge.dev/v1alpha1",
      kind: Kind.ClusterSecretStore,
      metadata: { name: "vault", generation },
      ...(observed === undefined
        ? {}
        : { status: { conditions: [{ type: "Ready", status: "True", observedGeneration: observed }] } }),
    })
    cache.put(Kind.ClusterSecretStore, store(1))
    expect(laneOf(cache, hmacKey, key)).toBe(Lane.Urgent)
    cache.put(Kind.ClusterSecretStore, store(1, 1))
    expect(laneOf(cache, hmacKey, key)).toBe(Lane.Periodic)
    cache.put(Kind.ClusterSecretStore, store(2, 1))
    expect(laneOf(cache, hmacKey, key)).toBe(Lane.Urgent)
  })
})

describe("storeOfKey", () => {
  it("should group an ExternalSecret under the store its spec names and a store under itself", () => {
    const refs = new RefIndex()
    const es = (name: string, ref: Record<string, string>) => ({
      metadata: { name, namespace: ns },
      spec: { secretStoreRef: ref },
    })
    refs.update(Kind.ExternalSecret, es("a", { name: "aws" }), false)
    refs.update(Kind.ExternalSecret, es("b", { name: "vault", kind: "ClusterSecretStore" }), false)
    const aws = workKey(Kind.SecretStore, ns, "aws")
    const vault = workKey(Kind.ClusterSecretStore, "", "vault")
    expect(storeOfKey(refs, workKey(Kind.ExternalSecret, ns, "a"))).toBe(aws)
    expect(storeOfKey(refs, workKey(Kind.ExternalSecret, ns, "b"))).toBe(vault)
    expect(storeOfKey(refs, aws)).toBe(aws)
    expect(storeOfKey(refs, vault)).toBe(vault)
    expect(storeOfKey(refs, workKey(Kind.SopsSecret, ns, "s"))).toBeUndefined()
    refs.update(Kind.ExternalSecret, es("a", { name: "aws" }), true)
    expect(storeOfKey(refs, workKey(Kind.ExternalSecret, ns, "a"))).toBeUndefined()
  })
})

describe("--store-concurrency", () => {
  it("should default to 2 and refuse less than 1, naming the flag", () => {
    expect(controllerOptions({}, {}, () => undefined).storeConcurrency).toBe(2)
    expect(controllerOptions({ storeConcurrency: "5" }, {}, () => undefined).storeConcurrency).toBe(5)
    expect(() => controllerOptions({ storeConcurrency: "0" }, {}, () => undefined)).toThrow(
      "--store-concurrency: expected an integer ≥ 1",
    )
  })
})
