import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ControllerProcess, Kube, suffix } from "./controller-harness.js"
import { peerEnv } from "./peers.js"
import { TcpProxy } from "./tcp-proxy.js"

// Setup shared by the controller's AWS end-to-end tests (moto + kube-apiserver).

/**
 * Environment pointing the controller's AWS SDK at moto (or at `endpoint`, e.g. a counting proxy
 * in front of it, for Secrets Manager and STS), with no instance-metadata lookups.
 */
export function awsControllerEnv(endpoint?: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint ?? peerEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
    AWS_ENDPOINT_URL_STS: endpoint ?? peerEnv("AWS_ENDPOINT_URL_STS"),
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
  }
}

/**
 * A copy of the test kubeconfig whose API server is reached through a TCP proxy, so a test can
 * cut or silence the controller's connection without touching the shared kube-apiserver.
 */
export async function proxiedKubeconfig(dir: string): Promise<{ proxy: TcpProxy; path: string }> {
  const kubeconfig = readFileSync(peerEnv("KUBECONFIG"), "utf8")
  const server = /server:\s*(\S+)/.exec(kubeconfig)?.[1] ?? ""
  const proxy = new TcpProxy(server.replace(/^https:/, "http:"))
  await proxy.start()
  const path = join(dir, "kubeconfig")
  writeFileSync(path, kubeconfig.replace(server, `https://127.0.0.1:${proxy.port}`))
  return { proxy, path }
}

/** A Secrets Manager SecretStore with static keys from the Secret `aws-creds` (id, secret). */
export function awsStaticStore(ns: string, name: string): Record<string, unknown> {
  return {
    apiVersion: "sealbridge.dev/v1alpha1",
    kind: "SecretStore",
    metadata: { name, namespace: ns },
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
  }
}

/** A controller whose API server connection runs through a proxy, with one moto secret and a store. */
export interface ProxiedAwsController {
  readonly ns: string
  /** The Secrets Manager secret's name. */
  readonly key: string
  readonly sm: SecretsManagerClient
  readonly proxy: TcpProxy
  readonly kube: Kube
  readonly ctl: ControllerProcess
  /** An ExternalSecret of the store `aws` mapping `key` to the Secret's key `v`. */
  externalSecret(name: string, refreshInterval: string): Record<string, unknown>
  /** Stops the controller and proxy, deletes the namespace, the secret and the temp dir. */
  stop(): Promise<void>
}

/**
 * The set-up of the watch-recovery tests: a namespace with `aws-creds` and the store `aws`, the
 * secret `key` holding `value`, and a controller reaching the API server through a proxy.
 */
export async function startProxiedAwsController(
  prefix: string,
  value: string,
  watchTimeout: string,
): Promise<ProxiedAwsController> {
  const id = suffix()
  const ns = `sb-${prefix}-${id}`
  const key = `sb-${prefix}-${id}`
  const sm = new SecretsManagerClient({})
  const dir = mkdtempSync(join(tmpdir(), `sb-${prefix}-`))
  const { proxy, path } = await proxiedKubeconfig(dir)
  const kube = new Kube(peerEnv("KUBECONFIG"))
  await kube.installCrds()
  await kube.namespace(ns)
  await kube.secret(ns, "aws-creds", { id: "test", secret: "test" })
  await sm.send(new CreateSecretCommand({ Name: key, SecretString: value }))
  const ctl = await ControllerProcess.start(
    ["--kubeconfig", path, "--namespace", ns, "--watch-timeout", watchTimeout, "--store-refresh", "1h"],
    awsControllerEnv(),
  )
  await kube.apply(awsStaticStore(ns, "aws"))
  return {
    ns,
    key,
    sm,
    proxy,
    kube,
    ctl,
    externalSecret: (name, refreshInterval) => ({
      apiVersion: "sealbridge.dev/v1alpha1",
      kind: "ExternalSecret",
      metadata: { name, namespace: ns },
      spec: {
        refreshInterval,
        secretStoreRef: { name: "aws" },
        data: [{ secretKey: "v", remoteRef: { key } }],
      },
    }),
    async stop() {
      await ctl.stop()
      await proxy.stop()
      await kube.core.deleteNamespace({ name: ns }).catch(() => undefined)
      await sm
        .send(new DeleteSecretCommand({ SecretId: key, ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
