import { readFileSync } from "node:fs"
import vault from "node-vault"
import { ControllerProcess, type Kube } from "./controller-harness.js"
import { peerEnv } from "./peers.js"

// Shared setup for the controller's Vault end-to-end tests (OpenBao dev server + kube-apiserver).
export const API = "sealbridge.dev/v1alpha1"

export type VaultRoot = ReturnType<typeof vault>

/** A root-token client for arranging the Vault side (mounts, policies, roles, values). */
export function vaultRoot(): VaultRoot {
  return vault({ apiVersion: "v1", endpoint: peerEnv("VAULT_ADDR"), token: peerEnv("VAULT_TOKEN") })
}

/** A namespaced SecretStore for the Vault provider. */
export function vaultStore(
  ns: string,
  name: string,
  auth: Record<string, unknown>,
  opts: { path?: string; version?: "v1" | "v2"; server?: string } = {},
): Record<string, unknown> {
  return {
    apiVersion: API,
    kind: "SecretStore",
    metadata: { name, namespace: ns },
    spec: {
      provider: {
        vault: {
          server: opts.server ?? peerEnv("VAULT_ADDR"),
          path: opts.path ?? "secret",
          version: opts.version ?? "v2",
          auth,
        },
      },
    },
  }
}

export function externalSecret(
  ns: string,
  name: string,
  store: string,
  spec: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: API,
    kind: "ExternalSecret",
    metadata: { name, namespace: ns },
    spec: { secretStoreRef: { name: store }, refreshInterval: "1s", ...spec },
  }
}

/** Starts the built controller watching `namespaces`, with fast store re-validation. */
export function startController(
  namespaces: readonly string[],
  env: Record<string, string | undefined> = {},
  extraArgs: readonly string[] = [],
): Promise<ControllerProcess> {
  const first = namespaces[0] ?? "default"
  return ControllerProcess.start(
    [
      "--kubeconfig",
      peerEnv("KUBECONFIG"),
      "--namespace",
      namespaces.join(","),
      "--hash-key-secret",
      `${first}/hash-key`,
      "--store-refresh",
      "2s",
      "--watch-timeout",
      "20s",
      ...extraArgs,
    ],
    env,
  )
}

/**
 * Enables a Kubernetes auth mount that validates service-account tokens against the test API
 * server (TokenReview with the kubeconfig user's token as reviewer).
 */
export async function kubernetesAuthMount(root: VaultRoot, kube: Kube, mountPath: string): Promise<void> {
  const cluster = kube.kc.getCurrentCluster()
  const user = kube.kc.getCurrentUser()
  const ca =
    cluster?.caData !== undefined
      ? Buffer.from(cluster.caData, "base64").toString()
      : cluster?.caFile !== undefined
        ? readFileSync(cluster.caFile, "utf8")
        : ""
  await root.enableAuth({ mount_point: mountPath, type: "kubernetes" })
  await root.write(`auth/${mountPath}/config`, {
    kubernetes_host: cluster?.server,
    kubernetes_ca_cert: ca,
    ...(user?.token === undefined ? {} : { token_reviewer_jwt: user.token }),
    disable_local_ca_jwt: true,
  })
}

/** An AppRole role with `policy`; returns its role id and a fresh secret id. */
export async function appRole(
  root: VaultRoot,
  role: string,
  policy: string,
): Promise<{ roleId: string; secretId: string }> {
  await root.write(`auth/approle/role/${role}`, { token_policies: policy, token_ttl: "1h" })
  const roleId = ((await root.read(`auth/approle/role/${role}/role-id`)) as { data: { role_id: string } })
    .data.role_id
  const secretId = (
    (await root.write(`auth/approle/role/${role}/secret-id`, {})) as { data: { secret_id: string } }
  ).data.secret_id
  return { roleId, secretId }
}
