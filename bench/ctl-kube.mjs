// The Kubernetes side of bench/controller.mjs: CRDs, a fresh namespace set, two
// ClusterSecretStores (Secrets Manager and Vault, pointed at the counting proxies), the
// ExternalSecrets, a watch that notes when each becomes Ready, and the cleanup.
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from "@kubernetes/client-node"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "yaml"
import { pool } from "./ctl-remote.mjs"

const GROUP = "sealbridge.dev"
const VERSION = "v1alpha1"
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export class BenchKube {
  constructor(kubeconfig, id) {
    this.kc = new KubeConfig()
    this.kc.loadFromFile(kubeconfig)
    this.core = this.kc.makeApiClient(CoreV1Api)
    this.custom = this.kc.makeApiClient(CustomObjectsApi)
    this.objects = KubernetesObjectApi.makeApiClient(this.kc)
    this.id = id
    this.label = `sbbench=${id}`
    this.sys = `sbb-${id}-sys`
    /** "ns/name" → ms when first seen Ready=True */
    this.readyAt = new Map()
  }

  async apply(obj) {
    await this.objects.patch(
      obj,
      undefined,
      undefined,
      "sealbridge-bench",
      true,
      PatchStrategy.ServerSideApply,
    )
  }

  async installCrds(root) {
    const dir = join(root, "controller/deploy/crds")
    const ext = this.kc.makeApiClient(ApiextensionsV1Api)
    for (const f of readdirSync(dir).filter((f) => f !== "kustomization.yaml")) {
      const crd = parse(readFileSync(join(dir, f), "utf8"))
      await this.apply(crd)
      for (let i = 0; i < 100; i++) {
        const got = await ext.readCustomResourceDefinition({ name: crd.metadata.name })
        if (got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break
        await sleep(200)
      }
    }
  }

  namespaces(n) {
    return Array.from({ length: n }, (_, i) => `sbb-${this.id}-${i}`)
  }

  /** Namespaces, the credentials Secrets (in the sys namespace) and both ClusterSecretStores. */
  async setup(namespaces, { approle, vaultUrl, mount }) {
    for (const ns of [this.sys, ...namespaces])
      await this.core.createNamespace({ body: { metadata: { name: ns, labels: { sbbench: this.id } } } })
    const secret = (name, stringData) =>
      this.apply({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: this.sys }, stringData })
    await secret("aws-creds", { id: "test", secret: "test" })
    await secret("approle", { "secret-id": approle.secretId })
    const store = (name, provider) =>
      this.apply({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "ClusterSecretStore",
        metadata: { name, labels: { sbbench: this.id } },
        spec: { provider },
      })
    await store(this.awsStore, {
      aws: {
        service: "SecretsManager",
        region: "us-east-1",
        auth: {
          secretRef: {
            accessKeyIDSecretRef: { name: "aws-creds", key: "id", namespace: this.sys },
            secretAccessKeySecretRef: { name: "aws-creds", key: "secret", namespace: this.sys },
          },
        },
      },
    })
    await store(this.vaultStore, {
      vault: {
        server: vaultUrl,
        path: mount,
        version: "v2",
        auth: {
          appRole: {
            path: `approle-sbbench-${this.id}`,
            roleId: approle.roleId,
            secretRef: { name: "approle", key: "secret-id", namespace: this.sys },
          },
        },
      },
    })
  }

  get awsStore() {
    return `sbb-${this.id}-aws`
  }

  get vaultStore() {
    return `sbb-${this.id}-vault`
  }

  /** An ExternalSecret reading one property of remote secret `remote` (AWS name or Vault path). */
  externalSecret(ns, name, remote, onAws, refresh) {
    return {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "ExternalSecret",
      metadata: { name, namespace: ns, labels: { sbbench: this.id } },
      spec: {
        refreshInterval: refresh,
        secretStoreRef: { kind: "ClusterSecretStore", name: onAws ? this.awsStore : this.vaultStore },
        target: { name },
        data: [
          { secretKey: "password", remoteRef: { key: remote, property: "password" } },
          { secretKey: "user", remoteRef: { key: remote, property: "user" } },
        ],
      },
    }
  }

  async create(es) {
    const ns = es.metadata.namespace
    await this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: "externalsecrets",
      body: es,
    })
  }

  /** Sets spec.refreshInterval on every listed ExternalSecret (merge patch). */
  async setRefresh(list, refresh, concurrency) {
    const opts = setHeaderOptions("Content-Type", PatchStrategy.MergePatch)
    await pool(list, concurrency, (es) =>
      this.custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace: es.metadata.namespace,
          plural: "externalsecrets",
          name: es.metadata.name,
          body: { spec: { refreshInterval: refresh } },
        },
        opts,
      ),
    )
  }

  #noteReady(obj, now) {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`
    if (this.readyAt.has(key)) return
    const ready = obj.status?.conditions?.find((c) => c.type === "Ready")
    if (ready?.status === "True" && ready.reason === "SecretSynced") this.readyAt.set(key, now)
  }

  /** Watches every bench ExternalSecret and notes when each first turns Ready (restarts when cut). */
  startReadyWatch() {
    this.watching = true
    const run = async () => {
      while (this.watching) {
        let done
        const ended = new Promise((r) => (done = r))
        try {
          this.watchReq = await new Watch(this.kc).watch(
            `/apis/${GROUP}/${VERSION}/externalsecrets`,
            { labelSelector: this.label, allowWatchBookmarks: true, timeoutSeconds: 300 },
            (type, obj) => {
              if (type === "ADDED" || type === "MODIFIED") this.#noteReady(obj, Date.now())
            },
            () => done(),
          )
          await ended
        } catch {
          await sleep(500)
        }
      }
    }
    this.watchLoop = run()
    // A list now and then: a Ready missed while the watch restarted is still noted (a little late).
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), 10_000)
  }

  async sweep() {
    const list = await this.custom.listClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: "externalsecrets",
      labelSelector: this.label,
    })
    const now = Date.now()
    for (const o of list.items) this.#noteReady(o, now)
    return list.items
  }

  async stopReadyWatch() {
    this.watching = false
    clearInterval(this.sweeper)
    this.watchReq?.abort()
  }

  /** Waits until every key is Ready (or the deadline); returns the keys still not Ready. */
  async waitReady(keys, timeoutMs) {
    const deadline = Date.now() + timeoutMs
    let lastSweep = Date.now()
    for (;;) {
      const missing = keys.filter((k) => !this.readyAt.has(k))
      if (missing.length === 0 || Date.now() > deadline) return missing
      if (Date.now() - lastSweep > 30_000) {
        lastSweep = Date.now()
        await this.sweep().catch(() => undefined)
      }
      await sleep(100)
    }
  }

  /**
   * Deletes the stores, every ExternalSecret and Secret in the bench's namespaces, then the
   * namespaces. The peers run no kube-controller-manager (no namespace controller, no garbage
   * collector), so the contents are deleted here and each namespace is finalized by hand.
   */
  async cleanup(namespaces, log) {
    let failed = 0
    const fail = () => failed++
    for (const name of [this.awsStore, this.vaultStore])
      await this.custom
        .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "clustersecretstores", name })
        .catch(fail)
    for (const ns of [...namespaces, this.sys]) {
      const gone = await this.core.readNamespace({ name: ns }).then(
        () => false,
        () => true,
      )
      if (gone) continue
      await this.custom
        .deleteCollectionNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: ns,
          plural: "externalsecrets",
        })
        .catch(fail)
      await this.core.deleteCollectionNamespacedSecret({ namespace: ns }).catch(fail)
      await this.core.deleteNamespace({ name: ns }).catch(fail)
      await this.core
        .replaceNamespaceFinalize({ name: ns, body: { metadata: { name: ns }, spec: { finalizers: [] } } })
        .catch(fail)
    }
    log(`namespaces and stores deleted${failed > 0 ? ` (${failed} deletes failed)` : ""}`)
  }
}
