import { describe, expect, it } from "vitest"
import { BridgeError, ErrorCode } from "../../src/index.js"
import {
  DATA_HASH_ANNOTATION,
  FORCE_SYNC_ANNOTATION,
  Kind,
  MANAGED_LABEL,
} from "../../controller/api/constants.js"
import { reconcileExternalSecret } from "../../controller/reconcile/external-secret.js"
import { reconcileStore } from "../../controller/reconcile/store.js"
import type { ResourceStatus } from "../../controller/kube/port.js"
import { harness, type Harness } from "./fakes.js"

const NS = "team-a"
const signal = new AbortController().signal

async function withStore(h: Harness, ns = NS): Promise<void> {
  h.kube.putSecret(ns, "vault-token", { token: "root-token-value" })
  h.kube.put(Kind.SecretStore, ns, "vault", {
    provider: {
      vault: {
        server: "http://127.0.0.1:8200",
        path: "secret",
        auth: { tokenSecretRef: { name: "vault-token", key: "token" } },
      },
    },
  })
  expect(
    await reconcileStore(h.deps, { kind: Kind.SecretStore, namespace: ns, name: "vault" }, signal),
  ).toEqual({ requeueAfterMs: 300_000 })
}

function es(h: Harness, spec: Record<string, unknown>, name = "app", ns = NS, extra = {}) {
  return h.kube.put(
    Kind.ExternalSecret,
    ns,
    name,
    { secretStoreRef: { name: "vault" }, refreshInterval: "1m", ...spec },
    extra,
  )
}

const run = (h: Harness, name = "app", ns = NS) =>
  reconcileExternalSecret(h.deps, { kind: Kind.ExternalSecret, namespace: ns, name }, signal)
const dbData = { data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] }

describe("ExternalSecret reconcile", () => {
  it("should create an owned Secret with the managed label, a keyed hash and Ready SecretSynced", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "s3cr3t-value" })
    const obj = es(h, dbData)
    expect(await run(h)).toEqual({ requeueAfterMs: 60_000 })
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "s3cr3t-value" })
    const secret = h.kube.secrets.get(`${NS}/app`)
    expect(secret?.metadata.labels?.[MANAGED_LABEL]).toBe("true")
    expect(secret?.metadata.annotations?.[DATA_HASH_ANNOTATION]).toMatch(/^v1:[0-9a-f]{64}$/)
    expect(secret?.metadata.ownerReferences).toEqual([
      {
        apiVersion: "sealbridge.dev/v1alpha1",
        kind: "ExternalSecret",
        name: "app",
        uid: obj.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ])
    const status = h.kube.status(Kind.ExternalSecret, NS, "app")
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "True",
      reason: "SecretSynced",
    })
    expect(status.refreshTime).toBe("2026-01-01T00:00:00.000Z")
    expect(status.binding).toEqual({ name: "app" })
    expect(status.observedGeneration).toBe(1)
    expect(status.syncedResourceVersion).toMatch(/^1-/)
  })

  it("should neither call the provider nor write anything when nothing is due and the Secret is intact", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, dbData)
    await run(h)
    const calls = h.provider.total
    h.kube.calls.length = 0
    h.clock.advance(30_000)
    expect(await run(h)).toEqual({ requeueAfterMs: 30_000 })
    expect(h.provider.total).toBe(calls)
    expect(h.kube.calls.filter((c) => !c.startsWith("get"))).toEqual([])
    expect(h.kube.events.filter((e) => e.ref.kind === Kind.ExternalSecret)).toHaveLength(1)
  })

  it("should pick up a remote change once the refresh interval elapsed", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, dbData)
    await run(h)
    h.provider.put("db", { password: "v2" })
    h.clock.advance(60_000)
    await run(h)
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v2" })
    expect(h.kube.status(Kind.ExternalSecret, NS, "app").refreshTime).toBe("2026-01-01T00:01:00.000Z")
  })

  it("should refresh on a grid whose phase is shared by objects naming the same remote secret", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, dbData, "a")
    es(h, dbData, "b")
    es(h, { data: [{ secretKey: "p", remoteRef: { key: "other" } }] }, "c")
    h.provider.put("other", "x")
    const { refreshPhase: _pinned, ...phased } = h.deps
    const go = (name: string) =>
      reconcileExternalSecret(phased, { kind: Kind.ExternalSecret, namespace: NS, name }, signal)
    const [a, b, c] = [await go("a"), await go("b"), await go("c")]
    expect(a.requeueAfterMs).toBe(b.requeueAfterMs)
    expect(a.requeueAfterMs).not.toBe(c.requeueAfterMs)
    for (const r of [a, b, c]) {
      expect(r.requeueAfterMs).toBeGreaterThanOrEqual(30_000)
      expect(r.requeueAfterMs).toBeLessThan(90_000)
    }
  })

  it("should sync once with refreshInterval 0 and not poll again", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, { ...dbData, refreshInterval: "0" })
    expect(await run(h)).toEqual({})
    h.provider.put("db", { password: "v2" })
    h.clock.advance(86_400_000)
    const calls = h.provider.total
    expect(await run(h)).toEqual({})
    expect(h.provider.total).toBe(calls)
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v1" })
  })

  it("should repair an edited or deleted Secret without calling the provider", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, dbData)
    await run(h)
    const calls = h.provider.total
    h.kube.putSecret(NS, "app", { password: "tampered" })
    await run(h)
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v1" })
    h.kube.deleteSecretAsUser(NS, "app")
    await run(h)
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v1" })
    expect(h.provider.total).toBe(calls)
    expect(h.logs.filter((l) => l.includes("drift repaired"))).toHaveLength(2)
  })

  it("should refetch after a restart (no remembered state) when the Secret drifted", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, dbData)
    await run(h)
    h.deps.lastApplied.clear()
    await h.deps.pool.closeAll()
    h.kube.putSecret(NS, "app", { password: "tampered" })
    const calls = h.provider.total
    await run(h)
    expect(h.provider.total).toBe(calls + 1)
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v1" })
  })

  it("should keep the last good Secret and go Ready False with a redacted message when the provider fails", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, dbData)
    await run(h)
    h.provider.failWith(
      new BridgeError(ErrorCode.Provider, `connect ECONNREFUSED token ${"A".repeat(48)}`, {
        retryable: true,
      }),
    )
    h.clock.advance(60_000)
    expect(await run(h)).toEqual({ retry: true })
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v1" })
    const ready = h.kube.ready(Kind.ExternalSecret, NS, "app")
    expect(ready).toMatchObject({ status: "False", reason: "SecretSyncedError" })
    expect(ready?.message).toContain("[redacted]")
    expect(ready?.message).not.toContain("A".repeat(48))
    expect(h.kube.events.at(-1)).toMatchObject({ type: "Warning", reason: "SecretSyncedError" })
    // a repeated failure is not a transition: no second event
    const events = h.kube.events.length
    h.clock.advance(60_000)
    await run(h)
    expect(h.kube.events).toHaveLength(events)
    h.provider.failWith(undefined)
    h.clock.advance(60_000)
    await run(h)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "True",
      reason: "SecretSynced",
    })
  })

  it("should tell a missing remote secret from access denied", async () => {
    const h = harness()
    await withStore(h)
    es(h, dbData)
    await run(h)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "False",
      reason: "SecretNotFound",
    })
    h.provider.failWith(new BridgeError(ErrorCode.AccessDenied, "secret db: access denied"))
    await run(h)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "False",
      reason: "AccessDenied",
    })
  })

  it("should refresh at once when the force-sync annotation changes", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("db", { password: "v1" })
    es(h, dbData)
    await run(h)
    h.provider.put("db", { password: "v2" })
    es(h, dbData, "app", NS, { annotations: { [FORCE_SYNC_ANNOTATION]: "1" } })
    await run(h)
    expect(h.kube.secretText(NS, "app")).toEqual({ password: "v2" })
  })

  it("should read dataFrom extract and find, then data, later entries winning, with rewrite", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("app/config", { user: "u", host: "h" })
    h.provider.put("certs/ca", "CA")
    h.provider.put("db", { password: "p" })
    es(h, {
      dataFrom: [
        { extract: { key: "app/config" } },
        { find: { path: "certs/" }, rewrite: [{ regexp: { source: "certs/", target: "cert-" } }] },
      ],
      data: [{ secretKey: "user", remoteRef: { key: "db", property: "password" } }],
    })
    await run(h)
    expect(h.kube.secretText(NS, "app")).toEqual({ user: "p", host: "h", "cert-ca": "CA" })
  })

  it("should convert find results' names to Secret keys the way ESO does", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("certs/ca", "CA")
    es(h, { dataFrom: [{ find: { path: "certs/" } }] })
    await run(h)
    expect(h.kube.secretText(NS, "app")).toEqual({ certs_ca: "CA" })
  })

  it("should report a rewritten key that is not a valid Secret key", async () => {
    const h = harness()
    await withStore(h)
    h.provider.put("certs/ca", "CA")
    es(h, {
      dataFrom: [{ find: { path: "certs/" }, rewrite: [{ regexp: { source: "^certs", target: "x" } }] }],
    })
    expect(await run(h)).toEqual({})
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      status: "False",
      reason: "InvalidSpec",
    })
  })

  it("should set Ready False InvalidSpec naming the field for a broken spec", async () => {
    const h = harness()
    await withStore(h)
    es(h, { data: [{ secretKey: "a", remoteRef: {} }] })
    expect(await run(h)).toEqual({})
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({
      reason: "InvalidSpec",
      message: "spec.data[0].remoteRef.key: required",
    })
  })

  it("should drop the Secret from memory and do nothing once the ExternalSecret is gone", async () => {
    const h = harness()
    await withStore(h)
    expect(await run(h, "missing")).toEqual({})
  })
})

describe("status writes", () => {
  it("should not patch status when only the key order of the stored status differs", async () => {
    const h = harness()
    await withStore(h)
    es(h, { ...dbData, refreshInterval: "0" }) // the remote secret is missing: SecretNotFound, every pass
    await run(h)
    expect(h.kube.ready(Kind.ExternalSecret, NS, "app")).toMatchObject({ reason: "SecretNotFound" })
    // The API server hands back the same status with keys in another order.
    const obj = h.kube.objects.get(`ExternalSecret/${NS}/app`)
    if (obj?.status === undefined) throw new Error("no status")
    const sortKeys = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)))
    const reordered = { ...sortKeys(obj.status), conditions: (obj.status.conditions ?? []).map(sortKeys) }
    h.kube.objects.set(`ExternalSecret/${NS}/app`, { ...obj, status: reordered as unknown as ResourceStatus })
    h.kube.calls.length = 0
    h.clock.advance(1_000)
    await run(h)
    expect(h.kube.calls.filter((c) => c.startsWith("status"))).toEqual([])
  })
})
