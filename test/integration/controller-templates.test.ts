import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ControllerProcess, Kube, suffix, waitFor } from "./controller-harness.js"
import { externalSecret, startController, vaultRoot, vaultStore } from "./controller-vault-fixture.js"
import { peerEnv, requirePeer } from "./peers.js"

// target.template (ESO engine v2) through the built controller, with values from Vault KV v2.
const kubePeer = requirePeer("kube-apiserver", "KUBECONFIG")
const vaultPeer = requirePeer("vault", "VAULT_ADDR")

describe.skipIf(kubePeer.skip || vaultPeer.skip)("controller: target.template end to end", () => {
  const id = suffix()
  const ns = `sb-tpl-${id}`
  const root = vaultRoot()
  const key = `sb-tpl-${id}/app`
  const user = "tpl-user-7hq"
  const pass1 = "tpl-pass-3kz"
  const pass2 = "tpl-pass-9wm"
  let kube: Kube
  let ctl: ControllerProcess

  const writeRemote = (password: string) =>
    root.write(`secret/data/${key}`, {
      data: { user, password, config: { host: "db.internal", port: 5432 } },
    })
  const templated = (data: Record<string, string>) =>
    externalSecret(ns, "app", "vault", {
      target: {
        name: "app-creds",
        template: {
          type: "kubernetes.io/basic-auth",
          // as in ESO, metadata values are templates too
          metadata: {
            labels: { app: "db", host: "{{ (.config | fromJson).host }}" },
            annotations: { "example.com/port": "{{ (.config | fromJson).port }}" },
          },
          data,
        },
      },
      dataFrom: [{ extract: { key } }],
    })
  const good = {
    username: "{{ .user | upper }}",
    password: "{{ .password }}",
    dsn: "postgres://{{ .user }}:{{ .password }}@{{ (.config | fromJson).host }}:{{ (.config | fromJson).port }}/app",
    basic: '{{ printf "%s:%s" .user .password | b64enc }}',
  }

  beforeAll(async () => {
    kube = new Kube(peerEnv("KUBECONFIG"))
    await kube.installCrds()
    await kube.namespace(ns)
    await writeRemote(pass1)
    await kube.secret(ns, "vault-token", { token: peerEnv("VAULT_TOKEN") })
    ctl = await startController([ns])
    await kube.apply(vaultStore(ns, "vault", { tokenSecretRef: { name: "vault-token", key: "token" } }))
    await kube.waitReady("secretstores", ns, "vault", "StoreValidated")
  }, 120_000)

  afterAll(async () => {
    const code = await ctl?.stop()
    await kube?.core.deleteNamespace({ name: ns }).catch(() => undefined)
    await root.delete(`secret/metadata/${key}`).catch(() => undefined)
    expect(code).toBe(0)
  })

  it("should render pipelines, printf, b64enc and fromJson into a typed, labelled Secret and follow a remote change", async () => {
    await kube.apply(templated(good))
    const expected = (p: string) => ({
      username: user.toUpperCase(),
      password: p,
      dsn: `postgres://${user}:${p}@db.internal:5432/app`,
      basic: Buffer.from(`${user}:${p}`).toString("base64"),
    })
    await waitFor("templated Secret", async () =>
      (await kube.secretText(ns, "app-creds"))?.["password"] === pass1 ? true : undefined,
    )
    expect(await kube.secretText(ns, "app-creds")).toEqual(expected(pass1))
    const live = await kube.core.readNamespacedSecret({ namespace: ns, name: "app-creds" })
    expect(live.type).toBe("kubernetes.io/basic-auth")
    expect(live.metadata?.labels).toMatchObject({ app: "db", host: "db.internal" })
    expect(live.metadata?.annotations?.["example.com/port"]).toBe("5432")
    expect(await kube.ready("externalsecrets", ns, "app")).toMatchObject({
      status: "True",
      reason: "SecretSynced",
    })

    await writeRemote(pass2)
    await waitFor(
      "templated Secret follows the remote change",
      async () => ((await kube.secretText(ns, "app-creds"))?.["password"] === pass2 ? true : undefined),
      10_000,
    )
    expect(await kube.secretText(ns, "app-creds")).toEqual(expected(pass2))
  })

  it("should go Ready False naming an unsupported function, keep the last Secret, and recover when fixed", async () => {
    await kube.apply(templated(good))
    await kube.waitReady("externalsecrets", ns, "app", "SecretSynced")
    const before = await kube.secretText(ns, "app-creds")
    expect(before?.["username"]).toBe(user.toUpperCase())

    await kube.apply(templated({ ...good, keystore: "{{ .password | pkcs12key }}" }))
    const r = await kube.waitReady("externalsecrets", ns, "app", "TemplateError")
    expect(r.status).toBe("False")
    expect(r.message).toContain("target.template.data.keystore")
    expect(r.message).toContain('function "pkcs12key" not defined')
    expect(await kube.secretText(ns, "app-creds")).toEqual(before)

    await kube.apply(templated(good))
    await kube.waitReady("externalsecrets", ns, "app", "SecretSynced")
  })

  it("should report a template that fails at run time (missing key) without quoting a value", async () => {
    await kube.apply(
      externalSecret(ns, "missing", "vault", {
        target: { template: { data: { x: "{{ .password }}/{{ .nope }}" } } },
        dataFrom: [{ extract: { key } }],
      }),
    )
    const r = await kube.waitReady("externalsecrets", ns, "missing", "TemplateError")
    expect(r.message).toContain("target.template.data.x")
    expect(r.message).toContain('"nope"')
    expect(await kube.secretText(ns, "missing")).toBeUndefined()
  })

  it("should never put a value in logs, events or status", async () => {
    const statuses = JSON.stringify(
      await Promise.all(["app", "missing"].map((n) => kube.get("externalsecrets", ns, n))).then((objs) =>
        objs.map((o) => o["status"]),
      ),
    )
    const events = await kube.events(ns)
    expect(events).toContain("TemplateError")
    for (const v of [user, pass1, pass2, "db.internal", user.toUpperCase()]) {
      expect(ctl.output).not.toContain(v)
      expect(events).not.toContain(v)
      expect(statuses).not.toContain(v)
    }
  })
})
