import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import {
  AgeBackend,
  AgeOpener,
  ageRecipientOf,
  encryptDocument,
  generateAgeIdentity,
} from "../../src/index.js"
import { Kind } from "../../controller/api/constants.js"
import { reconcileSopsSecret } from "../../controller/reconcile/sops-secret.js"
import { harness } from "./fakes.js"

const signal = new AbortController().signal

async function seal(recipient: string, text: string): Promise<string> {
  const out = await encryptDocument(
    {
      input: new TextEncoder().encode(text),
      source: "secrets.yaml",
      inputFormat: "yaml",
      outputFormat: "yaml",
      keyGroups: [[new AgeBackend(recipient)]],
      shamirThreshold: 0,
      rule: null,
      macOnlyEncrypted: false,
    },
    { now: () => new Date("2026-01-01T00:00:00Z"), randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  )
  return new TextDecoder().decode(out)
}

describe("SopsSecret", async () => {
  const identity = await generateAgeIdentity()
  const sealed = await seal(
    await ageRecipientOf(identity),
    "user: app\npassword: hunter2-secret\nport: 5432\n",
  )

  it("should decrypt the embedded sealed file with the controller's age identity into an owned Secret", async () => {
    const h = harness()
    const deps = { ...h.deps, openers: [new AgeOpener([identity])] }
    const obj = h.kube.put(Kind.SopsSecret, "ns1", "db", {
      sealed,
      target: { name: "db-creds", labels: { app: "db" } },
    })
    await reconcileSopsSecret(deps, { kind: Kind.SopsSecret, namespace: "ns1", name: "db" }, signal)
    expect(h.kube.secretText("ns1", "db-creds")).toEqual({
      user: "app",
      password: "hunter2-secret",
      port: "5432",
    })
    const s = h.kube.secrets.get("ns1/db-creds")
    expect(s?.metadata.labels).toMatchObject({ app: "db", "sealbridge.dev/managed": "true" })
    expect(s?.metadata.ownerReferences?.[0]).toMatchObject({ kind: "SopsSecret", uid: obj.metadata.uid })
    expect(h.kube.ready(Kind.SopsSecret, "ns1", "db")).toMatchObject({
      status: "True",
      reason: "SecretSynced",
    })
    // a second pass with nothing changed writes nothing
    h.kube.calls.length = 0
    await reconcileSopsSecret(deps, { kind: Kind.SopsSecret, namespace: "ns1", name: "db" }, signal)
    expect(h.kube.calls.filter((c) => !c.startsWith("get"))).toEqual([])
  })

  it("should refuse a tampered file with a clear status and keep the last Secret", async () => {
    const h = harness()
    const deps = { ...h.deps, openers: [new AgeOpener([identity])] }
    h.kube.put(Kind.SopsSecret, "ns1", "db", { sealed })
    await reconcileSopsSecret(deps, { kind: Kind.SopsSecret, namespace: "ns1", name: "db" }, signal)
    const tampered = sealed.replace(
      /password: ENC\[AES256_GCM,data:([A-Za-z0-9+/=]{4})/,
      (_m, d: string) => `password: ENC[AES256_GCM,data:${d === "AAAA" ? "BBBB" : "AAAA"}`,
    )
    expect(tampered).not.toBe(sealed)
    h.kube.put(Kind.SopsSecret, "ns1", "db", { sealed: tampered })
    expect(
      await reconcileSopsSecret(deps, { kind: Kind.SopsSecret, namespace: "ns1", name: "db" }, signal),
    ).toEqual({})
    const ready = h.kube.ready(Kind.SopsSecret, "ns1", "db")
    expect(ready).toMatchObject({ status: "False", reason: "DecryptFailed" })
    expect(ready?.message).toMatch(/SopsSecret ns1\/db/)
    expect(h.kube.secretText("ns1", "db")).toEqual({ user: "app", password: "hunter2-secret", port: "5432" })
  })

  it("should say DecryptKeyMissing when the controller holds no matching key", async () => {
    const h = harness()
    const other = await generateAgeIdentity()
    const deps = { ...h.deps, openers: [new AgeOpener([other])] }
    h.kube.put(Kind.SopsSecret, "ns1", "db", { sealed })
    expect(
      await reconcileSopsSecret(deps, { kind: Kind.SopsSecret, namespace: "ns1", name: "db" }, signal),
    ).toEqual({ retry: true })
    expect(h.kube.ready(Kind.SopsSecret, "ns1", "db")).toMatchObject({
      status: "False",
      reason: "DecryptKeyMissing",
    })
    expect(h.kube.secrets.has("ns1/db")).toBe(false)
    expect(JSON.stringify(h.kube.events)).not.toContain("hunter2")
  })
})
