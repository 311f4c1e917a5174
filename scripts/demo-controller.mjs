// The controller in two minutes: brings up the peers it needs (kube-apiserver + moto for AWS
// Secrets Manager), starts the built `sealbridge controller` against them, applies a SecretStore
// and an ExternalSecret, and shows the Secret appearing and then following a remote change.
import { spawn, spawnSync } from "node:child_process"
import { existsSync, readFileSync, readdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"
import { banner } from "./banner.mjs"

const repo = fileURLToPath(new URL("..", import.meta.url))
const envFile = `${repo}.peers/peers.env`
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function readEnv() {
  const out = {}
  for (const line of readFileSync(envFile, "utf8").split("\n")) {
    const eq = line.indexOf("=")
    if (eq <= 0 || line.startsWith("#")) continue
    out[line.slice(0, eq)] = line.slice(eq + 1).replace(/^'(.*)'$/, "$1")
  }
  return out
}

if (!existsSync(envFile) || !readEnv().KUBECONFIG || !readEnv().AWS_ENDPOINT_URL_SECRETS_MANAGER) {
  banner("0. starting the peers it needs: kube-apiserver + etcd and moto (first time: builds them)")
  const r = spawnSync("bash", [`${repo}scripts/peers.sh`, "up"], {
    stdio: "inherit",
    env: { ...process.env, SEALBRIDGE_PEERS: "moto kube" },
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const peers = readEnv()
Object.assign(process.env, peers)

const k8s = await import("@kubernetes/client-node")
const { SecretsManagerClient, CreateSecretCommand, PutSecretValueCommand, DeleteSecretCommand } =
  await import("@aws-sdk/client-secrets-manager")
const kc = new k8s.KubeConfig()
kc.loadFromFile(peers.KUBECONFIG)
const core = kc.makeApiClient(k8s.CoreV1Api)
const custom = kc.makeApiClient(k8s.CustomObjectsApi)
const objects = k8s.KubernetesObjectApi.makeApiClient(kc)
const apply = (obj) =>
  objects.patch(obj, undefined, undefined, "sealbridge-demo", true, k8s.PatchStrategy.ServerSideApply)
const sm = new SecretsManagerClient({})
const id = Math.random().toString(36).slice(2, 8)
const ns = `demo-${id}`
const key = `demo/${id}/db`
let controller

async function secretData() {
  try {
    const s = await core.readNamespacedSecret({ namespace: ns, name: "db-credentials" })
    return Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
    )
  } catch {
    return undefined
  }
}

try {
  banner("1. CRDs (controller/deploy/crds) and a namespace")
  const dir = `${repo}controller/deploy/crds/`
  for (const f of readdirSync(dir).filter((f) => f !== "kustomization.yaml"))
    await apply(parse(readFileSync(dir + f, "utf8")))
  await sleep(1500)
  await core.createNamespace({ body: { metadata: { name: ns } } })
  console.log(`namespace ${ns}`)

  banner(`2. a secret in AWS Secrets Manager (moto): ${key}`)
  await sm.send(
    new CreateSecretCommand({
      Name: key,
      SecretString: JSON.stringify({ username: "app", password: "demo-pass-1" }),
    }),
  )

  banner("3. sealbridge controller --kubeconfig … --namespace " + ns)
  controller = spawn(
    process.execPath,
    [
      `${repo}dist/cli/bin.js`,
      "controller",
      "--kubeconfig",
      peers.KUBECONFIG,
      "--namespace",
      ns,
      "--health-port",
      "0",
      "--metrics-port",
      "0",
      "--store-refresh",
      "30s",
    ],
    {
      env: { ...process.env, NODE_NO_WARNINGS: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  )
  controller.stdout.on("data", (d) =>
    process.stdout.write(d.toString().replace(/^(?=.)/gm, "  [controller] ")),
  )

  banner(
    "4. kubectl apply: a SecretStore and an ExternalSecret (ESO's shape, apiVersion sealbridge.dev/v1alpha1)",
  )
  await apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "aws-creds", namespace: ns },
    stringData: { id: "test", secret: "test" },
  })
  await apply({
    apiVersion: "sealbridge.dev/v1alpha1",
    kind: "SecretStore",
    metadata: { name: "aws", namespace: ns },
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region: "us-east-1",
          auth: {
            secretRef: {
              accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
              secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
            },
          },
        },
      },
    },
  })
  await apply({
    apiVersion: "sealbridge.dev/v1alpha1",
    kind: "ExternalSecret",
    metadata: { name: "db", namespace: ns },
    spec: {
      refreshInterval: "2s",
      secretStoreRef: { name: "aws" },
      target: { name: "db-credentials" },
      data: [{ secretKey: "password", remoteRef: { key, property: "password" } }],
      dataFrom: [{ extract: { key }, rewrite: [{ regexp: { source: "(.*)", target: "db_$1" } }] }],
    },
  })

  banner("5. the Secret appears")
  let data
  for (let i = 0; i < 100 && (data = await secretData()) === undefined; i++) await sleep(200)
  console.log("Secret db-credentials:", data)
  const es = await custom.getNamespacedCustomObject({
    group: "sealbridge.dev",
    version: "v1alpha1",
    namespace: ns,
    plural: "externalsecrets",
    name: "db",
  })
  console.log("ExternalSecret status:", JSON.stringify(es.status, null, 2))

  banner("6. the remote value changes; the Secret follows within the refresh interval (2s)")
  await sm.send(
    new PutSecretValueCommand({
      SecretId: key,
      SecretString: JSON.stringify({ username: "app", password: "demo-pass-2" }),
    }),
  )
  for (let i = 0; i < 50 && (data = await secretData())?.password !== "demo-pass-2"; i++) await sleep(200)
  console.log("Secret db-credentials:", data)
} finally {
  banner("7. cleanup (SIGTERM to the controller, namespace and remote secret deleted)")
  if (controller !== undefined) {
    controller.kill("SIGTERM")
    await new Promise((r) => controller.once("exit", r))
  }
  await core.deleteNamespace({ name: ns }).catch(() => undefined)
  await sm
    .send(new DeleteSecretCommand({ SecretId: key, ForceDeleteWithoutRecovery: true }))
    .catch(() => undefined)
}
