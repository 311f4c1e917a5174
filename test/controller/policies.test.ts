import { describe, expect, it } from "vitest"
import { Kind } from "../../controller/api/constants.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { reconcileStore } from "../../controller/reconcile/store.js"
import { harness, type Harness } from "./fakes.js"

const NS = "team-a"
const signal = new AbortController().signal
const run = (h: Harness, name = "app", ns = NS) =>
  reconcileExternalSecret(h.deps, { kind: Kind.ExternalSecret, namespace: ns, name }, signal)

async function setup(target: Record<string, unknown>, data?: unknown[]): Promise<Harness> {
  const h = harness()
  h.kube.putSecret(NS, "vault-token", { token: "t" })
  h.kube.put(Kind.SecretStore, NS, "vault", {
    provider: {
      vault: {
        server: "http://127.0.0.1:8200",
        path: "secret",
        auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
      },
    },
  })
  await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: NS, name: "vault" }, signal)
  h.provider.put("a", "A")
  h.provider.put("b", "B")
  h.kube.put(Kind.ExternalSecret, NS, "app", {
    secretStoreRef: { name: "vault" },
    refreshInterval: "1m",
    target: { name: "out", ...target },
    data: data ?? [
      { secretKey: "a", remoteRef: { key: "a" } },
      { secretKey: "b", remoteRef: { key: "b" } },
    ],
  })
  return h
}

describe("creation policies", () => {
  it("Orphan: creates the Secret without an owner reference", async () => {
    const h = await setup({ creationPolicy: "Orphan" })
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({ a: "A", b: "B" })
    expect(h.kube.secrets.get(`${NS}/out`)?.metadata.ownerReferences).toEqual([])
  })

  it("Merge: refuses to create a missing Secret, then merges into an existing one keeping its keys", async () => {
    const h = await setup({ creationPolicy: "Merge" })
    expect(await run(h)).toEqual({ retry: true })
    expect(h.kube.secrets.has(`${NS}/out`)).toBe(false)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "False",
      reason: "TargetMissing",
    })
    h.kube.putSecret(NS, "out", { theirs: "keep-me", a: "old" })
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({ theirs: "keep-me", a: "A", b: "B" })
    expect(h.kube.secrets.get(`${NS}/out`)?.metadata.ownerReferences).toEqual([])
  })

  it("None: reads the provider but writes no Secret", async () => {
    const h = await setup({ creationPolicy: "None" })
    await run(h)
    expect(h.provider.total).toBeGreaterThan(1)
    expect(h.kube.secrets.has(`${NS}/out`)).toBe(false)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "True",
      reason: "SecretSynced",
    })
  })

  it("Owner: refuses a Secret another object controls", async () => {
    const h = await setup({})
    h.kube.putSecret(
      NS,
      "out",
      { x: "y" },
      { ownerReferences: [{ apiVersion: "v1", kind: "Thing", name: "t", uid: "other", controller: true }] },
    )
    expect(await run(h)).toEqual({})
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({ reason: "TargetOwnedByOther" })
    expect(h.kube.secretText(NS, "out")).toEqual({ x: "y" })
  })

  it("prunes a key that was removed from the spec", async () => {
    const h = await setup({})
    await run(h)
    h.kube.put(Kind.ExternalSecret, NS, "app", {
      secretStoreRef: { name: "vault" },
      refreshInterval: "1m",
      target: { name: "out" },
      data: [{ secretKey: "a", remoteRef: { key: "a" } }],
    })
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({ a: "A" })
  })

  it("immutable: refuses to change the data of an immutable Secret", async () => {
    const h = await setup({ immutable: true })
    await run(h)
    expect(h.kube.secrets.get(`${NS}/out`)?.immutable).toBe(true)
    h.provider.put("a", "A2")
    h.clock.advance(60_000)
    expect(await run(h)).toEqual({})
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({ reason: "ImmutableTarget" })
    expect(h.kube.secretText(NS, "out")).toEqual({ a: "A", b: "B" })
  })
})

describe("deletion policies (the remote secret disappears)", () => {
  it("Retain: keeps the Secret and reports SecretNotFound", async () => {
    const h = await setup({})
    await run(h)
    h.provider.clear()
    h.clock.advance(60_000)
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({ a: "A", b: "B" })
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "False",
      reason: "SecretNotFound",
    })
  })

  it("Delete: deletes the Secret once every remote secret is gone", async () => {
    const h = await setup({ deletionPolicy: "Delete" })
    await run(h)
    h.provider.delete("a")
    h.clock.advance(60_000)
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({ b: "B" })
    h.provider.clear()
    h.clock.advance(60_000)
    await run(h)
    expect(h.kube.secrets.has(`${NS}/out`)).toBe(false)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "True",
      reason: "SecretDeleted",
    })
  })

  it("Merge: drops only the keys whose remote secret vanished", async () => {
    const h = await setup({ deletionPolicy: "Merge" })
    await run(h)
    h.provider.clear()
    h.clock.advance(60_000)
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({})
    expect(h.kube.secrets.has(`${NS}/out`)).toBe(true)
  })

  it("refuses Delete without creationPolicy Owner at parse time", async () => {
    const h = await setup({ deletionPolicy: "Delete", creationPolicy: "Orphan" })
    await run(h)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      reason: "InvalidSpec",
      message: "spec.target.deletionPolicy: Delete needs creationPolicy Owner",
    })
  })
})

describe("refresh policies", () => {
  it("CreatedOnce: never reads again after the first sync, even after a spec change", async () => {
    const h = await setup({})
    const obj = h.kube.objects.get(`ExternalSecret/${NS}/app`)
    h.kube.put(Kind.ExternalSecret, NS, "app", { ...(obj?.spec as object), refreshPolicy: "CreatedOnce" })
    await run(h)
    const calls = h.provider.total
    h.provider.put("a", "A2")
    h.clock.advance(3_600_000)
    await run(h)
    expect(h.provider.total).toBe(calls)
    expect(h.kube.secretText(NS, "out")).toEqual({ a: "A", b: "B" })
  })

  it("OnChange: reads only when the ExternalSecret changes", async () => {
    const h = await setup({})
    const spec = h.kube.objects.get(`ExternalSecret/${NS}/app`)?.spec as Record<string, unknown>
    h.kube.put(Kind.ExternalSecret, NS, "app", { ...spec, refreshPolicy: "OnChange" })
    await run(h)
    h.provider.put("a", "A2")
    h.clock.advance(3_600_000)
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({ a: "A", b: "B" })
    h.kube.put(Kind.ExternalSecret, NS, "app", { ...spec, refreshPolicy: "OnChange", refreshInterval: "2m" })
    await run(h)
    expect(h.kube.secretText(NS, "out")).toEqual({ a: "A2", b: "B" })
  })
})
