import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { histograms, parseExposition, type Exposition } from "../helpers/prom-text.js"
import { awsControllerEnv, awsStaticStore } from "./controller-aws-setup.js"
import { ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { API, appRole, vaultRoot, vaultStore } from "./controller-vault-fixture.js"
import { AwsCountProxy } from "./aws-count-proxy.js"
import { peerEnv, requirePeer } from "./peers.js"

// The running controller's /metrics and /readyz checked against what really happened: the
// requests that reached moto (counted by a proxy in front of it) and the tokens OpenBao holds.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")

const KEYS = 3
const OBJECTS = 9

describe.skipIf(kubePeer.skip || motoPeer.skip || vaultPeer.skip)("controller: metrics and readiness", () => {
  const id = suffix()
  const ns = `sb-obs-${id}`
  const p = `sb-obs-${id}`
  const policy = `sb-obs-${id}`
  const sm = new SecretsManagerClient({})
  const root = vaultRoot()
  const moto = new AwsCountProxy(peerEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER"))
  const awsStore = `SecretStore/${ns}/aws`
  const vaultStoreKey = `SecretStore/${ns}/vault`
  let kube: Kube
  let ctl: ControllerProcess

  const scrape = async (): Promise<Exposition> => parseExposition(await ctl.metricsText())
  const sum = (e: Exposition, name: string, labels: Record<string, string>): number =>
    e.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((a, s) => a + s.value, 0)
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${ctl.port}/readyz`)
    return { status: res.status, body: await res.text() }
  }
  const es = (name: string, store: string, key: string, refreshInterval: string, annotations = {}) => ({
    apiVersion: API,
    kind: "ExternalSecret",
    metadata: { name, namespace: ns, annotations },
    spec: {
      secretStoreRef: { name: store },
      refreshInterval,
      data: [{ secretKey: "value", remoteRef: { key } }],
    },
  })

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.secret(ns, "aws-creds", { id: "test", secret: "test" })
    for (let k = 0; k < KEYS; k++)
      await sm.send(new CreateSecretCommand({ Name: `${p}/k${k}`, SecretString: `aws-value-${k}-${id}` }))
    await root.addPolicy({ name: policy, rules: `path "secret/data/${p}/*" { capabilities = ["read"] }` })
    for (let k = 0; k < KEYS; k++) await root.write(`secret/data/${p}/v${k}`, { data: { v: `vault-${k}` } })
    const role = await appRole(root, policy, policy)
    await kube.secret(ns, "approle", { "secret-id": role.secretId })
    await moto.start()
    ctl = await ControllerProcess.start(
      [
        "--kubeconfig",
        peerEnv("KUBECONFIG"),
        "--namespace",
        ns,
        "--hash-key-secret",
        `${ns}/hash-key`,
        "--store-refresh",
        "10m",
        "--fetch-window",
        "2m",
        "--ready-max-overdue",
        "5s",
      ],
      {
        ...awsControllerEnv(),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
        AWS_ENDPOINT_URL_STS: moto.url,
      },
    )
    await kube.apply(awsStaticStore(ns, "aws"))
    await kube.apply(
      vaultStore(ns, "vault", {
        appRole: { path: "approle", roleId: role.roleId, secretRef: { name: "approle", key: "secret-id" } },
      }),
    )
    await kube.waitReady("secretstores", ns, "aws", "StoreValidated")
    await kube.waitReady("secretstores", ns, "vault", "StoreValidated")
  }, 120_000)

  afterAll(async () => {
    moto.release()
    const code = await ctl?.stop()
    await moto.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    for (let k = 0; k < KEYS; k++) {
      await sm
        .send(new DeleteSecretCommand({ SecretId: `${p}/k${k}`, ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined)
      await root.delete(`secret/metadata/${p}/v${k}`).catch(() => undefined)
    }
    await root.delete(`auth/approle/role/${policy}`).catch(() => undefined)
    await root.delete(`sys/policy/${policy}`).catch(() => undefined)
    expect(code).toBe(0)
  })

  it(`should count ${KEYS} provider calls for ${OBJECTS} ExternalSecrets over ${KEYS} keys, as many as reached moto`, async () => {
    for (let i = 0; i < OBJECTS; i++) await kube.apply(es(`aws-${i}`, "aws", `${p}/k${i % KEYS}`, "1h"))
    for (let i = 0; i < OBJECTS; i++) await kube.waitReady("externalsecrets", ns, `aws-${i}`, "SecretSynced")
    expect(await kube.secretText(ns, "aws-4")).toEqual({ value: `aws-value-1-${id}` })
    const e = await scrape()
    const calls = sum(e, "sealbridge_provider_calls_total", { store: awsStore, op: "get" })
    expect(calls).toBe(KEYS)
    expect(moto.count("GetSecretValue")).toBe(KEYS)
    expect(sum(e, "sealbridge_provider_calls_total", { store: awsStore, op: "get", result: "ok" })).toBe(KEYS)
    expect(sum(e, "sealbridge_provider_shared_total", { store: awsStore, op: "get" })).toBe(OBJECTS - KEYS)
    // ClusterSecretStores of other tests on the shared API server validate through this
    // controller (and so this proxy) too: only a lower bound holds for STS.
    const validations = sum(e, "sealbridge_provider_calls_total", { store: awsStore, op: "validate" })
    expect(validations).toBeGreaterThanOrEqual(1)
    expect(moto.count("GetCallerIdentity")).toBeGreaterThanOrEqual(validations)
    const h = histograms(e, "sealbridge_provider_call_duration_seconds").find(
      (s) => s.labels["store"] === awsStore && s.labels["op"] === "get",
    )
    expect(h?.count).toBe(KEYS)
    expect(h?.buckets.at(-1)?.[1]).toBe(KEYS)
    // Every ExternalSecret pass is timed; each of the 9 recorded SecretSynced at least once.
    const passes = sum(e, "sealbridge_reconcile_total", { kind: "ExternalSecret" })
    expect(sum(e, "sealbridge_sync_duration_seconds_count", { kind: "ExternalSecret" })).toBe(passes)
    expect(
      sum(e, "sealbridge_sync_total", { kind: "ExternalSecret", ready: "True", reason: "SecretSynced" }),
    ).toBeGreaterThanOrEqual(OBJECTS)
    for (const s of histograms(e, "sealbridge_sync_duration_seconds"))
      for (let i = 1; i < s.buckets.length; i++)
        expect(s.buckets[i]?.[1]).toBeGreaterThanOrEqual(s.buckets[i - 1]?.[1] ?? 0)
    expect(sum(e, "sealbridge_watch_up", {})).toBeGreaterThanOrEqual(5)
    expect(sum(e, "sealbridge_ready", {})).toBe(1)
  })

  it("should hold one live Vault token for an AppRole store however many reconciles run", async () => {
    const accessors = async (): Promise<number> => {
      const list = (await root.list("auth/token/accessors")) as { data: { keys: string[] } }
      let n = 0
      for (const accessor of list.data.keys) {
        const info = (await root.write("auth/token/lookup-accessor", { accessor }).catch(() => undefined)) as
          { data: { policies: string[] } } | undefined
        if (info?.data.policies.includes(policy) === true) n++
      }
      return n
    }
    for (let k = 0; k < KEYS; k++) await kube.apply(es(`vault-${k}`, "vault", `${p}/v${k}`, "1s"))
    const calls = await waitFor(
      "40 Vault reads",
      async () => {
        const n = sum(await scrape(), "sealbridge_provider_calls_total", { store: vaultStoreKey, op: "get" })
        return n >= 40 ? n : undefined
      },
      60_000,
    )
    const e = await scrape()
    expect(sum(e, "sealbridge_vault_tokens_live", { store: vaultStoreKey })).toBe(1)
    expect(sum(e, "sealbridge_provider_calls_total", { store: vaultStoreKey, result: "error" })).toBe(0)
    expect(await accessors()).toBe(1)
    expect(calls).toBeGreaterThanOrEqual(40)
    expect(await kube.secretText(ns, "vault-2")).toEqual({ value: JSON.stringify({ v: "vault-2" }) })
  })

  it("should answer /readyz 503 while a sync hangs on its store past --ready-max-overdue, and 200 after", async () => {
    expect((await readyz()).status).toBe(200)
    moto.hang = true
    // A force-sync makes aws-0 read fresh values: the call reaches the proxy and hangs there.
    await kube.apply(es("aws-0", "aws", `${p}/k0`, "1h", { "sealbridge.dev/force-sync": id }))
    const bad = await waitFor(
      "/readyz 503",
      async () => {
        const r = await readyz()
        return r.status === 503 ? r : undefined
      },
      30_000,
    )
    expect(bad.body).toMatch(/^work overdue: \d+ object\(s\) past due by more than 5s \(oldest \d+s\)\n$/)
    expect(moto.held).toBeGreaterThan(0)
    const e = await scrape()
    expect(sum(e, "sealbridge_sync_oldest_overdue_seconds", {})).toBeGreaterThan(5)
    expect(sum(e, "sealbridge_ready", {})).toBe(0)
    moto.release()
    await waitFor("/readyz 200", async () => ((await readyz()).status === 200 ? true : undefined), 40_000)
    await kube.waitReady("externalsecrets", ns, "aws-0", "SecretSynced", 40_000)
    expect(sum(await scrape(), "sealbridge_sync_oldest_overdue_seconds", {})).toBeLessThan(5)
  })
})
