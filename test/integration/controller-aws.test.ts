import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { execFileSync } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ControllerProcess, Kube, sleep, suffix, waitFor } from "./controller-harness.js"
import { peerEnv, requirePeer } from "./peers.js"
import { TcpProxy } from "./tcp-proxy.js"
import { awsControllerEnv, awsStaticStore } from "./controller-aws-setup.js"

// The built controller process against the real kube-apiserver and moto's Secrets Manager.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const motoPeer = requirePeer("moto", "AWS_ENDPOINT_URL_SECRETS_MANAGER")
const API = "sealbridge.dev/v1alpha1"
const repo = new URL("../../", import.meta.url).pathname

describe.skipIf(kubePeer.skip || motoPeer.skip)("controller: AWS Secrets Manager end to end", () => {
  const id = suffix()
  const nsA = `sb-a-${id}`
  const nsB = `sb-b-${id}`
  const p = `sb-it-${id}`
  const sm = new SecretsManagerClient({})
  const proxy = new TcpProxy(peerEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER"))
  let kube: Kube
  let ctl: ControllerProcess
  const ageKey = execFileSync(peerEnv("AGE_KEYGEN_BIN") || "age-keygen", { encoding: "utf8" })
  const ageRecipient = /public key: (age1\w+)/.exec(ageKey)?.[1] ?? ""
  const ageIdentity = /AGE-SECRET-KEY-1\w+/.exec(ageKey)?.[0] ?? ""
  // Every value the remote side holds: none may show up in logs, events or status.
  const values = [
    "plain-value-9f3k",
    "pass-v1-77xq",
    "pass-v2-88yr",
    "json-user-5tq",
    "bin-\u0001\u0002",
    "tag-value-2kd",
    "stage-old-4hh",
    "sops-secret-6jw",
  ]

  const store = awsStaticStore

  const es = (ns: string, name: string, spec: Record<string, unknown>) => ({
    apiVersion: API,
    kind: "ExternalSecret",
    metadata: { name, namespace: ns },
    spec: { secretStoreRef: { name: "aws" }, refreshInterval: "1s", ...spec },
  })

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(nsA)
    await kube.namespace(nsB, { team: "b" })
    await sm.send(new CreateSecretCommand({ Name: `${p}/plain`, SecretString: values[0] }))
    await sm.send(
      new CreateSecretCommand({
        Name: `${p}/json`,
        SecretString: JSON.stringify({ user: values[3], pass: values[1], nested: { a: "b" } }),
      }),
    )
    await sm.send(
      new CreateSecretCommand({ Name: `${p}/bin`, SecretBinary: new Uint8Array([98, 105, 110, 45, 1, 2]) }),
    )
    await sm.send(
      new CreateSecretCommand({
        Name: `${p}/tagged`,
        SecretString: values[5],
        Tags: [{ Key: "team", Value: id }],
      }),
    )
    await sm.send(new CreateSecretCommand({ Name: `${p}/staged`, SecretString: values[6] }))
    await sm.send(new PutSecretValueCommand({ SecretId: `${p}/staged`, SecretString: "stage-new" }))
    for (const ns of [nsA, nsB]) await kube.secret(ns, "aws-creds", { id: "test", secret: "test" })
    await proxy.start()
    ctl = await ControllerProcess.start(
      [
        "--kubeconfig",
        peerEnv("KUBECONFIG"),
        "--namespace",
        `${nsA},${nsB}`,
        "--hash-key-secret",
        `${nsA}/hash-key`,
        "--store-refresh",
        "2s",
        "--watch-timeout",
        "20s",
      ],
      { ...awsControllerEnv(proxy.url), SOPS_AGE_KEY: ageIdentity },
    )
    await kube.apply(store(nsA, "aws"))
    await kube.waitReady("secretstores", nsA, "aws", "StoreValidated")
  }, 120_000)

  afterAll(async () => {
    const code = await ctl?.stop()
    await proxy.stop()
    for (const ns of [nsA, nsB]) await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    for (const k of ["plain", "json", "bin", "tagged", "staged"])
      await sm
        .send(new DeleteSecretCommand({ SecretId: `${p}/${k}`, ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined)
    expect(code).toBe(0) // graceful SIGTERM
  })

  it("should sync plain, JSON property, binary, version stage, dataFrom extract and find by name and tags", async () => {
    await kube.apply(
      es(nsA, "all", {
        refreshInterval: "1h",
        data: [
          { secretKey: "plain", remoteRef: { key: `${p}/plain` } },
          { secretKey: "user", remoteRef: { key: `${p}/json`, property: "user" } },
          { secretKey: "nested", remoteRef: { key: `${p}/json`, property: "nested.a" } },
          { secretKey: "bin", remoteRef: { key: `${p}/bin` } },
          { secretKey: "old", remoteRef: { key: `${p}/staged`, version: "AWSPREVIOUS" } },
        ],
        dataFrom: [
          { extract: { key: `${p}/json` }, rewrite: [{ regexp: { source: "^(.*)$", target: "x-$1" } }] },
          { find: { name: { regexp: `^${p}/pl` } } },
          { find: { tags: { team: id } }, rewrite: [{ regexp: { source: ".*/", target: "tag-" } }] },
        ],
      }),
    )
    const got = await waitFor("synced Secret", () => kube.secretText(nsA, "all"))
    expect(got).toEqual({
      plain: values[0],
      user: values[3],
      nested: "b",
      bin: "bin-\u0001\u0002",
      old: values[6],
      "x-user": values[3],
      "x-pass": values[1],
      "x-nested": '{"a":"b"}',
      [`${p}_plain`]: values[0],
      "tag-tagged": values[5],
    })
    expect(await kube.ready("externalsecrets", nsA, "all")).toMatchObject({
      status: "True",
      reason: "SecretSynced",
    })
  })

  it("should follow a remote change within the refresh interval, and sync only once with refreshInterval 0", async () => {
    await kube.apply(
      es(nsA, "periodic", {
        data: [{ secretKey: "pass", remoteRef: { key: `${p}/json`, property: "pass" } }],
      }),
    )
    await kube.apply(
      es(nsA, "once", {
        refreshInterval: "0",
        data: [{ secretKey: "pass", remoteRef: { key: `${p}/json`, property: "pass" } }],
      }),
    )
    await waitFor("periodic v1", async () =>
      (await kube.secretText(nsA, "periodic"))?.["pass"] === values[1] ? true : undefined,
    )
    await waitFor("once v1", async () =>
      (await kube.secretText(nsA, "once"))?.["pass"] === values[1] ? true : undefined,
    )
    await sm.send(
      new PutSecretValueCommand({
        SecretId: `${p}/json`,
        SecretString: JSON.stringify({ user: values[3], pass: values[2], nested: { a: "b" } }),
      }),
    )
    await waitFor(
      "periodic v2",
      async () => ((await kube.secretText(nsA, "periodic"))?.["pass"] === values[2] ? true : undefined),
      10_000,
    )
    await sleep(2_500)
    expect((await kube.secretText(nsA, "once"))?.["pass"]).toBe(values[1])
  })

  it("should repair an edited or deleted Secret with no provider call", async () => {
    await kube.apply({ ...store(nsA, "drift-store") })
    await kube.waitReady("secretstores", nsA, "drift-store", "StoreValidated")
    await kube.apply(
      es(nsA, "drift", {
        secretStoreRef: { name: "drift-store" },
        refreshInterval: "1h",
        data: [{ secretKey: "plain", remoteRef: { key: `${p}/plain` } }],
      }),
    )
    await waitFor("drift synced", () => kube.secretText(nsA, "drift"))
    const storeKey = `SecretStore/${nsA}/drift-store`
    const before = await ctl.metric("sealbridge_provider_calls_total", { store: storeKey, op: "get" })
    expect(before, await ctl.metricsText()).toBeGreaterThan(0)
    await kube.core.patchNamespacedSecret({
      namespace: nsA,
      name: "drift",
      body: [{ op: "replace", path: "/data/plain", value: Buffer.from("edited").toString("base64") }],
    })
    await waitFor(
      "edit repaired",
      async () => ((await kube.secretText(nsA, "drift"))?.["plain"] === values[0] ? true : undefined),
      10_000,
    )
    await kube.core.deleteNamespacedSecret({ namespace: nsA, name: "drift" })
    await waitFor(
      "delete repaired",
      async () => ((await kube.secretText(nsA, "drift"))?.["plain"] === values[0] ? true : undefined),
      10_000,
    )
    expect(await ctl.metric("sealbridge_provider_calls_total", { store: storeKey, op: "get" })).toBe(before)
    expect(ctl.output).toContain('"msg":"drift repaired"')
  })

  it("should apply creation policies Orphan, Merge and None, and deletionPolicy Delete when the remote secret is gone", async () => {
    const data = [{ secretKey: "plain", remoteRef: { key: `${p}/plain` } }]
    await kube.secret(nsA, "existing", { theirs: "kept" })
    await kube.apply(es(nsA, "orphan", { target: { creationPolicy: "Orphan" }, data }))
    await kube.apply(es(nsA, "merge", { target: { name: "existing", creationPolicy: "Merge" }, data }))
    await kube.apply(es(nsA, "none", { target: { creationPolicy: "None" }, data }))
    await kube.apply(es(nsA, "owner", { data }))
    await kube.waitReady("externalsecrets", nsA, "none", "SecretSynced")
    expect(await kube.secretText(nsA, "none")).toBeUndefined()
    await waitFor("merged", async () =>
      (await kube.secretText(nsA, "existing"))?.["plain"] === values[0] ? true : undefined,
    )
    expect((await kube.secretText(nsA, "existing"))?.["theirs"]).toBe("kept")
    await waitFor("orphan", () => kube.secretText(nsA, "orphan"))
    const orphan = await kube.core.readNamespacedSecret({ namespace: nsA, name: "orphan" })
    expect(orphan.metadata?.ownerReferences ?? []).toEqual([])
    const owned = await waitFor(
      "owner",
      async () =>
        (await kube.secretText(nsA, "owner")) &&
        kube.core.readNamespacedSecret({ namespace: nsA, name: "owner" }),
    )
    expect(owned.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "ExternalSecret",
      name: "owner",
      controller: true,
    })

    await sm.send(new CreateSecretCommand({ Name: `${p}/doomed`, SecretString: "doomed-value" }))
    await kube.apply(
      es(nsA, "doomed", {
        target: { deletionPolicy: "Delete" },
        data: [{ secretKey: "v", remoteRef: { key: `${p}/doomed` } }],
      }),
    )
    await waitFor("doomed synced", () => kube.secretText(nsA, "doomed"))
    await sm.send(new DeleteSecretCommand({ SecretId: `${p}/doomed`, ForceDeleteWithoutRecovery: true }))
    await kube.waitReady("externalsecrets", nsA, "doomed", "SecretDeleted", 15_000)
    expect(await kube.secretText(nsA, "doomed")).toBeUndefined()
  })

  it("should keep the Secret and go Ready False while the provider is down, and recover after", async () => {
    await kube.apply(es(nsA, "faulty", { data: [{ secretKey: "plain", remoteRef: { key: `${p}/plain` } }] }))
    await kube.waitReady("externalsecrets", nsA, "faulty", "SecretSynced")
    await proxy.stop()
    try {
      // Either the sync itself fails or the store's re-validation fails first (flood gate).
      const r = await waitFor(
        "faulty not ready",
        async () => {
          const c = await kube.ready("externalsecrets", nsA, "faulty")
          return c?.status === "False" ? c : undefined
        },
        40_000,
      )
      expect(["SecretSyncedError", "StoreNotReady"]).toContain(r.reason)
      expect(await kube.secretText(nsA, "faulty")).toEqual({ plain: values[0] })
    } finally {
      await proxy.start()
    }
    await kube.waitReady("externalsecrets", nsA, "faulty", "SecretSynced", 60_000)
  })

  it("should keep namespaces apart: another namespace's SecretStore is invisible, ClusterSecretStore conditions hold", async () => {
    await kube.apply(es(nsB, "sneaky", { data: [{ secretKey: "plain", remoteRef: { key: `${p}/plain` } }] }))
    const r = await kube.waitReady("externalsecrets", nsB, "sneaky", "StoreNotFound")
    expect(r.message).toBe(`SecretStore aws not found in namespace ${nsB}`)
    const css = `sb-css-${id}`
    const cssBody = store(nsA, css) as {
      spec: { provider: { aws: { auth: { secretRef: Record<string, Record<string, string>> } } } }
    }
    for (const ref of Object.values(cssBody.spec.provider.aws.auth.secretRef)) ref["namespace"] = nsA
    await kube.apply({
      apiVersion: API,
      kind: "ClusterSecretStore",
      metadata: { name: css },
      spec: { ...cssBody.spec, conditions: [{ namespaces: [nsA] }] },
    })
    try {
      await kube.waitReady("clustersecretstores", undefined, css, "StoreValidated")
      const ref = {
        secretStoreRef: { name: css, kind: "ClusterSecretStore" },
        data: [{ secretKey: "plain", remoteRef: { key: `${p}/plain` } }],
      }
      await kube.apply(es(nsA, "via-css", ref))
      await kube.apply(es(nsB, "via-css", ref))
      await waitFor("css in allowed namespace", () => kube.secretText(nsA, "via-css"))
      await kube.waitReady("externalsecrets", nsB, "via-css", "StoreNotAllowed")
      expect(await kube.secretText(nsB, "via-css")).toBeUndefined()
    } finally {
      await kube.custom.deleteClusterCustomObject({
        group: "sealbridge.dev",
        version: "v1alpha1",
        plural: "clustersecretstores",
        name: css,
      })
    }
  })

  it("should decrypt an age-sealed SopsSecret and refuse a tampered one", async () => {
    const sealed = execFileSync(
      process.execPath,
      [
        `${repo}dist/cli/bin.js`,
        "encrypt",
        "--age",
        ageRecipient,
        "--input-type",
        "yaml",
        "--output-type",
        "yaml",
        "--filename-override",
        "s.yaml",
        "/dev/stdin",
      ],
      {
        input: `password: ${values[7]}\nport: 5432\n`,
        encoding: "utf8",
      },
    )
    await kube.apply({
      apiVersion: API,
      kind: "SopsSecret",
      metadata: { name: "sealed", namespace: nsA },
      spec: { sealed },
    })
    await kube.waitReady("sopssecrets", nsA, "sealed", "SecretSynced")
    expect(await kube.secretText(nsA, "sealed")).toEqual({ password: values[7], port: "5432" })
    const tampered = sealed.replace(
      /(password: ENC\[AES256_GCM,data:)(\w)/,
      (_m, a: string, c: string) => `${a}${c === "A" ? "B" : "A"}`,
    )
    await kube.apply({
      apiVersion: API,
      kind: "SopsSecret",
      metadata: { name: "sealed", namespace: nsA },
      spec: { sealed: tampered },
    })
    const r = await kube.waitReady("sopssecrets", nsA, "sealed", "DecryptFailed")
    expect(r.status).toBe("False")
    expect(await kube.secretText(nsA, "sealed")).toEqual({ password: values[7], port: "5432" })
  })

  it("should never put a secret value in logs, events or status", async () => {
    const statuses = JSON.stringify(
      await Promise.all(
        ["all", "periodic", "once", "drift", "faulty", "orphan", "merge"].map((n) =>
          kube.get("externalsecrets", nsA, n),
        ),
      ).then((objs) => objs.map((o) => o["status"])),
    )
    const events = (await kube.events(nsA)) + (await kube.events(nsB))
    expect(events).toContain("SecretSynced")
    for (const v of values) {
      expect(ctl.output).not.toContain(v)
      expect(events).not.toContain(v)
      expect(statuses).not.toContain(v)
    }
    expect(ctl.output).not.toContain(ageIdentity)
    for (const line of ctl.stdout.trim().split("\n"))
      expect(() => JSON.parse(line) as unknown, line).not.toThrow()
  })
})
