import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { peerEnv } from "./peers.js"
import { TcpProxy } from "./tcp-proxy.js"

// Setup shared by the controller's AWS end-to-end tests (moto + kube-apiserver).

/** Environment pointing the controller's AWS SDK at moto, with no instance-metadata lookups. */
export function awsControllerEnv(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: peerEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
    AWS_ENDPOINT_URL_STS: peerEnv("AWS_ENDPOINT_URL_STS"),
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
