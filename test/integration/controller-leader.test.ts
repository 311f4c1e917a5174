import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { CoordinationV1Api } from "@kubernetes/client-node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { awsControllerEnv, awsStaticStore } from "./controller-aws-setup.js"
import { ControllerProcess, Kube, sleep, suffix, waitFor } from "./controller-harness.js"
import { AwsCountProxy } from "./aws-count-proxy.js"
import { peerEnv, requirePeer } from "./peers.js"

// Two (then three) controller processes against the real kube-apiserver and moto, with short
// leases: one writes, SIGKILL of the leader hands over within lease duration + retry period, the
// new leader re-fetches only what is due or drifted (counted at a proxy in front of moto), and a
// clean shutdown releases the Lease for an immediate take-over.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")

const LEASE_S = 6
const RETRY_MS = 1_000
const GET = "GetSecretValue"

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: leader election", () => {
  const id = suffix()
  const ns = `sb-le-${id}`
  const leaseName = `sealbridge-it-${id}`
  const key = (k: string) => `sb-le-${id}/${k}`
  const slow = [0, 1, 2, 3].map((i) => `slow-${i}`)
  const sm = new SecretsManagerClient({})
  const moto = new AwsCountProxy(peerEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER"))
  const procs: ControllerProcess[] = []
  let kube: Kube
  let leases: CoordinationV1Api

  const start = async (pod: string): Promise<ControllerProcess> => {
    const p = await ControllerProcess.start(
      [
        "--kubeconfig",
        peerEnv("KUBECONFIG"),
        "--namespace",
        ns,
        "--hash-key-secret",
        `${ns}/hash-key`,
        "--store-refresh",
        "1h",
        "--leader-elect",
        "--leader-elect-namespace",
        ns,
        "--leader-elect-id",
        leaseName,
        "--leader-elect-lease-duration",
        `${LEASE_S}s`,
        "--leader-elect-renew-deadline",
        "4s",
        "--leader-elect-retry-period",
        `${RETRY_MS}ms`,
      ],
      {
        ...awsControllerEnv(),
        AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
        AWS_ENDPOINT_URL_STS: moto.url,
        POD_NAME: pod,
      },
    )
    procs.push(p)
    return p
  }
  const lease = async () => (await leases.readNamespacedLease({ namespace: ns, name: leaseName })).spec ?? {}
  const holder = async () => (await lease()).holderIdentity ?? ""
  const micro = (t: unknown) => Date.parse(String(t))
  const es = (name: string, remote: string, interval: string) => ({
    apiVersion: "sealbridge.dev/v1alpha1",
    kind: "ExternalSecret",
    metadata: { name, namespace: ns },
    spec: {
      refreshInterval: interval,
      secretStoreRef: { name: "aws" },
      data: [{ secretKey: "v", remoteRef: { key: key(remote) } }],
    },
  })
  const reconciles = (p: ControllerProcess) => p.metric("sealbridge_reconcile_total", {})

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    leases = kube.kc.makeApiClient(CoordinationV1Api)
    await kube.installCrds()
    await kube.namespace(ns)
    await kube.secret(ns, "aws-creds", { id: "test", secret: "test" })
    for (const k of [...slow, "fast"])
      await sm.send(new CreateSecretCommand({ Name: key(k), SecretString: `${k}-v1` }))
    await moto.start()
  }, 60_000)

  afterAll(async () => {
    for (const p of procs) await p.stop()
    await moto.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    for (const k of [...slow, "fast"])
      await sm
        .send(new DeleteSecretCommand({ SecretId: key(k), ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined)
  })

  it("should let only the Lease holder write, hand over on SIGKILL within lease + retry, and not re-poll what is not due", async () => {
    const a = await start("ctl-a")
    await waitFor("ctl-a leads", async () => ((await holder()).startsWith("ctl-a_") ? true : undefined))
    const b = await start("ctl-b")
    await kube.apply(awsStaticStore(ns, "aws"))
    for (const k of slow) await kube.apply(es(k, k, "1h"))
    await kube.apply(es("fast", "fast", "2s"))
    for (const k of [...slow, "fast"])
      await waitFor(`${k} synced`, async () =>
        (await kube.secretText(ns, k))?.["v"] === `${k}-v1` ? true : undefined,
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${a.output}`)
      })
    // The standby watched everything (ready) but reconciled nothing and called no provider.
    await sleep(2_500)
    expect(await reconciles(a)).toBeGreaterThan(0)
    expect(await reconciles(b)).toBe(0)
    expect(await b.metric("sealbridge_provider_calls_total", {})).toBe(0)
    expect(await b.metric("sealbridge_kube_requests_total", {})).toBe(0)
    expect(await b.metric("sealbridge_leader", {})).toBe(0)
    expect(await a.metric("sealbridge_leader", {})).toBe(1)
    expect(await holder()).toMatch(/^ctl-a_[0-9a-f]{8}$/)
    // The leader refreshes "fast" every 2 s (waited for: a loaded CI machine can lag a refresh).
    await waitFor(
      "the leader refreshes fast",
      () => Promise.resolve(moto.count(GET, key("fast")) > 1 ? true : undefined),
      20_000,
    )
    const fastBefore = moto.count(GET, key("fast"))
    for (const k of slow) expect(moto.count(GET, key(k))).toBe(1)

    // SIGKILL: no release. Meanwhile a Secret is deleted (drift) and a remote value changes.
    a.child.kill("SIGKILL")
    const killed = Date.now()
    const lastRenew = micro((await lease()).renewTime)
    await kube.core.deleteNamespacedSecret({ namespace: ns, name: "slow-0" })
    await sm.send(new PutSecretValueCommand({ SecretId: key("fast"), SecretString: "fast-v2" }))
    await waitFor(
      "ctl-b leads",
      async () => ((await holder()).startsWith("ctl-b_") ? true : undefined),
      30_000,
    )
    const acquired = micro((await lease()).acquireTime)
    const handover = acquired - killed
    console.log(
      `leader hand-over after SIGKILL: ${handover} ms (last renewal ${killed - lastRenew} ms before the kill; lease ${LEASE_S} s, retry ${RETRY_MS} ms)`,
    )
    expect(handover).toBeLessThanOrEqual(LEASE_S * 1_000 + RETRY_MS + 500)
    expect(acquired - lastRenew).toBeGreaterThanOrEqual(LEASE_S * 1_000)
    expect((await lease()).leaseTransitions).toBe(1)

    // The new leader repairs the drifted Secret (one fetch) and follows the due one ...
    await waitFor("slow-0 recreated", async () =>
      (await kube.secretText(ns, "slow-0"))?.["v"] === "slow-0-v1" ? true : undefined,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${b.output}`)
    })
    await waitFor("fast follows", async () =>
      (await kube.secretText(ns, "fast"))?.["v"] === "fast-v2" ? true : undefined,
    )
    await sleep(3_000)
    // ... and does not re-fetch what is not due.
    expect(moto.count(GET, key("slow-0"))).toBe(2)
    for (const k of slow.slice(1)) expect(moto.count(GET, key(k))).toBe(1)
    expect(moto.count(GET, key("fast"))).toBeGreaterThan(fastBefore)
    expect(await reconciles(b)).toBeGreaterThan(0)
    expect(b.output).toContain('"msg":"leading"')
  }, 90_000)

  it("should release the Lease on SIGTERM so a standby takes over at its next try", async () => {
    const c = await start("ctl-c")
    const alive = (p: ControllerProcess) => p.child.exitCode === null && p.child.signalCode === null
    const b = procs.find((p) => alive(p) && p.stdout.includes('"msg":"leading"'))
    expect(b).toBeDefined()
    const fetchedBefore = slow.map((k) => moto.count(GET, key(k)))
    expect(await b?.stop()).toBe(0)
    const released = Date.now()
    expect(b?.stdout).toContain('"msg":"lease released"')
    await waitFor(
      "ctl-c leads",
      async () => ((await holder()).startsWith("ctl-c_") ? true : undefined),
      10_000,
    )
    const handover = micro((await lease()).acquireTime) - released
    console.log(`leader hand-over after SIGTERM (lease released): ${handover} ms`)
    expect(handover).toBeLessThanOrEqual(RETRY_MS + 500)
    // The new leader works (a remote change arrives) and, again, re-fetches nothing that is not due.
    await sm.send(new PutSecretValueCommand({ SecretId: key("fast"), SecretString: "fast-v3" }))
    await waitFor("fast follows under ctl-c", async () =>
      (await kube.secretText(ns, "fast"))?.["v"] === "fast-v3" ? true : undefined,
    )
    expect(slow.map((k) => moto.count(GET, key(k)))).toEqual(fetchedBefore)
    expect(await c.metric("sealbridge_leader", {})).toBe(1)
  }, 60_000)
})
