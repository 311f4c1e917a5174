import { BridgeError, ErrorCode, type StoreConfig } from "../src/index.js"
import type { ProviderSpec, SecretKeyRef, ServiceAccountRef } from "./api/types.js"
import type { KubeApi } from "./kube/port.js"

/** Lifetime of TokenRequest tokens (Vault and STS accept 10 min; a fresh one per login). */
const TOKEN_SECONDS = 600

/**
 * Turns a store's provider spec into the provider port's config, reading referenced Secrets and
 * minting service-account tokens. The one resolver for every namespaced reference: a SecretStore
 * may only name objects in its own namespace; a ClusterSecretStore must say which namespace.
 * @throws BridgeError CONFIG for a bad reference, NOT_FOUND for a missing Secret/key
 */
export async function resolveStoreConfig(
  spec: ProviderSpec,
  storeNamespace: string | undefined,
  kube: KubeApi,
): Promise<StoreConfig> {
  const read = (ref: SecretKeyRef, field: string) => readSecretKey(kube, ref, storeNamespace, field)
  // With no serviceAccountRef.audiences: STS gets "sts.amazonaws.com"; Vault gets none, i.e. the
  // API server's default audience, as ESO asks (a Vault role pinned to it works unchanged).
  const token = (ref: ServiceAccountRef, field: string, audiences: readonly string[]) => {
    const ns = refNamespace(ref.namespace, storeNamespace, field)
    return () =>
      kube.createToken(ns, ref.name, ref.audiences.length > 0 ? ref.audiences : audiences, TOKEN_SECONDS)
  }
  if (spec.provider === "aws") {
    const base = {
      provider: "aws" as const,
      region: spec.region,
      ...(spec.role === undefined ? {} : { role: spec.role }),
      ...(spec.prefix === undefined ? {} : { prefix: spec.prefix }),
    }
    const a = spec.auth
    if (a.kind === "default") return { ...base, auth: { kind: "default" } }
    if (a.kind === "jwt") return awsJwtConfig(base, spec.role, a.serviceAccountRef, storeNamespace, kube)
    const sessionToken =
      a.sessionToken === undefined ? undefined : await read(a.sessionToken, "sessionTokenSecretRef")
    return {
      ...base,
      auth: {
        kind: "static",
        accessKeyId: await read(a.accessKeyId, "accessKeyIDSecretRef"),
        secretAccessKey: await read(a.secretAccessKey, "secretAccessKeySecretRef"),
        ...(sessionToken === undefined ? {} : { sessionToken }),
      },
    }
  }
  const base = {
    provider: "vault" as const,
    server: spec.server,
    path: spec.path,
    version: spec.version,
    ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
    ...(spec.caBundle === undefined ? {} : { caBundle: spec.caBundle }),
  }
  const a = spec.auth
  switch (a.kind) {
    case "token":
      return { ...base, auth: { kind: "token", token: await read(a.tokenSecretRef, "tokenSecretRef") } }
    case "appRole":
      return {
        ...base,
        auth: {
          kind: "appRole",
          path: a.path,
          roleId: a.roleId ?? (await read(a.roleRef as SecretKeyRef, "appRole.roleRef")),
          secretId: await read(a.secretRef, "appRole.secretRef"),
        },
      }
    case "kubernetes": {
      const jwt =
        a.serviceAccountRef !== undefined
          ? token(a.serviceAccountRef, "kubernetes.serviceAccountRef", [])
          : a.secretRef !== undefined
            ? staticJwt(await read(a.secretRef, "kubernetes.secretRef"))
            : noJwt()
      return { ...base, auth: { kind: "kubernetes", mountPath: a.mountPath, role: a.role, jwt } }
    }
  }
}

function staticJwt(jwt: string): () => Promise<string> {
  return () => Promise.resolve(jwt)
}

function noJwt(): () => Promise<string> {
  return () =>
    Promise.reject(
      new BridgeError(ErrorCode.Config, "auth.kubernetes: serviceAccountRef or secretRef is required"),
    )
}

function refNamespace(refNs: string | undefined, storeNs: string | undefined, field: string): string {
  if (storeNs === undefined) {
    if (refNs === undefined)
      throw new BridgeError(ErrorCode.Config, `${field}.namespace: required in a ClusterSecretStore`)
    return refNs
  }
  if (refNs !== undefined && refNs !== storeNs)
    throw new BridgeError(
      ErrorCode.Config,
      `${field}.namespace: a SecretStore may only use its own namespace`,
    )
  return storeNs
}

async function readSecretKey(
  kube: KubeApi,
  ref: SecretKeyRef,
  storeNs: string | undefined,
  field: string,
): Promise<string> {
  const ns = refNamespace(ref.namespace, storeNs, field)
  const secret = await kube.getSecret(ns, ref.name)
  const b64 = secret?.data?.[ref.key]
  if (b64 === undefined)
    throw new BridgeError(
      ErrorCode.NotFound,
      `${field}: key ${ref.key} of Secret ${ns}/${ref.name} not found`,
    )
  return Buffer.from(b64, "base64").toString("utf8").trim()
}

const IRSA_ROLE = "eks.amazonaws.com/role-arn"
const IRSA_AUDIENCE = "eks.amazonaws.com/audience"

/**
 * `auth.jwt` as ESO reads it (IRSA): the web-identity role is the ServiceAccount's
 * `eks.amazonaws.com/role-arn` annotation, the token's audience its `eks.amazonaws.com/audience`
 * (default `sts.amazonaws.com`) plus `serviceAccountRef.audiences`, and `spec.role`, when set, is
 * assumed on top. A ServiceAccount without the annotation falls back to `spec.role` as the
 * web-identity role (sealbridge's earlier reading, kept so existing stores still work).
 */
async function awsJwtConfig(
  base: {
    readonly provider: "aws"
    readonly region: string
    readonly role?: string
    readonly prefix?: string
  },
  role: string | undefined,
  ref: ServiceAccountRef,
  storeNamespace: string | undefined,
  kube: KubeApi,
): Promise<StoreConfig> {
  const field = "auth.jwt.serviceAccountRef"
  const ns = refNamespace(ref.namespace, storeNamespace, field)
  const annotations = await kube.getServiceAccountAnnotations(ns, ref.name)
  if (annotations === null)
    throw new BridgeError(ErrorCode.NotFound, `${field}: serviceaccount ${ns}/${ref.name} not found`)
  const annotated = annotations[IRSA_ROLE]
  const roleArn = annotated !== undefined && annotated !== "" ? annotated : role
  if (roleArn === undefined)
    throw new BridgeError(
      ErrorCode.Config,
      `${field}: serviceaccount ${ns}/${ref.name} has no ${IRSA_ROLE} annotation and spec.provider.aws.role is not set`,
      { hint: `annotate the ServiceAccount with ${IRSA_ROLE} (as for IRSA)` },
    )
  const audiences = [annotations[IRSA_AUDIENCE] ?? "sts.amazonaws.com", ...ref.audiences]
  // spec.role is an extra AssumeRole only when the web-identity role came from the annotation
  const { role: _ignored, ...rest } = base
  return {
    ...(annotated !== undefined && annotated !== "" ? base : rest),
    auth: {
      kind: "webIdentity",
      roleArn,
      token: () => kube.createToken(ns, ref.name, audiences, TOKEN_SECONDS),
    },
  }
}
