import { RE2JS } from "re2js"
import {
  exactlyOne,
  invalid,
  list,
  obj,
  oneOf,
  optObj,
  optStr,
  refuse,
  str,
  strList,
  strMap,
  type Obj,
} from "./fields.js"
import type {
  AwsProviderSpec,
  LabelSelector,
  LabelSelectorRequirement,
  NamespaceCondition,
  SecretKeyRef,
  ServiceAccountRef,
  StoreSpec,
  VaultProviderSpec,
} from "./types.js"

/**
 * Validates a SecretStore / ClusterSecretStore `spec` (ESO's shape for the aws and vault providers).
 * @throws BridgeError CONFIG naming the exact field
 */
export function parseStoreSpec(raw: unknown, cluster: boolean): StoreSpec {
  const spec = obj(raw, "spec")
  const provider = optObj(spec, "provider", "spec")
  if (provider === undefined) throw invalid("spec.provider", "required")
  const which = exactlyOne(provider, ["aws", "vault"], "spec.provider")
  const p = `spec.provider.${which}`
  const conditions = list(spec, "conditions", "spec").map((c, i) =>
    parseCondition(c, `spec.conditions[${i}]`),
  )
  if (!cluster && conditions.length > 0)
    throw invalid("spec.conditions", "only a ClusterSecretStore has conditions")
  return {
    provider:
      which === "aws" ? parseAws(obj(provider["aws"], p), p) : parseVault(obj(provider["vault"], p), p),
    conditions,
  }
}

function parseAws(a: Obj, p: string): AwsProviderSpec {
  refuse(a, ["additionalRoles", "externalID", "sessionTags", "transitiveTagKeys", "secretsManager"], p)
  const service = str(a, "service", p)
  if (service !== "SecretsManager") throw invalid(`${p}.service`, "only SecretsManager is supported")
  const role = optStr(a, "role", p)
  const prefix = optStr(a, "prefix", p)
  const auth = optObj(a, "auth", p)
  return {
    provider: "aws",
    service,
    region: str(a, "region", p),
    ...(role === undefined ? {} : { role }),
    ...(prefix === undefined ? {} : { prefix }),
    auth: auth === undefined ? { kind: "default" } : parseAwsAuth(auth, `${p}.auth`),
  }
}

function parseAwsAuth(auth: Obj, p: string): AwsProviderSpec["auth"] {
  const which = exactlyOne(auth, ["secretRef", "jwt"], p)
  if (which === "jwt") {
    const jwt = obj(auth["jwt"], `${p}.jwt`)
    return { kind: "jwt", serviceAccountRef: saRef(jwt, `${p}.jwt`, true) }
  }
  const s = obj(auth["secretRef"], `${p}.secretRef`)
  const q = `${p}.secretRef`
  const token = optObj(s, "sessionTokenSecretRef", q)
  return {
    kind: "secretRef",
    accessKeyId: keyRef(s, "accessKeyIDSecretRef", q),
    secretAccessKey: keyRef(s, "secretAccessKeySecretRef", q),
    ...(token === undefined ? {} : { sessionToken: keyRef(s, "sessionTokenSecretRef", q) }),
  }
}

function parseVault(v: Obj, p: string): VaultProviderSpec {
  refuse(v, ["tls", "caProvider", "readYourWrites", "forwardInconsistent", "headers"], p)
  const server = str(v, "server", p)
  try {
    new URL(server)
  } catch {
    throw invalid(`${p}.server`, "must be a URL")
  }
  const namespace = optStr(v, "namespace", p)
  const ca = optStr(v, "caBundle", p)
  const auth = optObj(v, "auth", p)
  if (auth === undefined) throw invalid(`${p}.auth`, "required")
  return {
    provider: "vault",
    server,
    path: str(v, "path", p),
    version: oneOf(v, "version", p, ["v1", "v2"], "v2"),
    ...(namespace === undefined ? {} : { namespace }),
    ...(ca === undefined ? {} : { caBundle: decodeCa(ca, `${p}.caBundle`) }),
    auth: parseVaultAuth(auth, `${p}.auth`),
  }
}

function decodeCa(b64: string, p: string): string {
  const pem = Buffer.from(b64, "base64").toString("utf8")
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw invalid(p, "must be base64 of PEM certificates")
  return pem
}

function parseVaultAuth(auth: Obj, p: string): VaultProviderSpec["auth"] {
  refuse(auth, ["jwt", "cert", "iam", "gcp", "userPass", "ldap", "namespace"], p)
  const which = exactlyOne(auth, ["tokenSecretRef", "kubernetes", "appRole"], p)
  if (which === "tokenSecretRef") return { kind: "token", tokenSecretRef: keyRef(auth, "tokenSecretRef", p) }
  if (which === "kubernetes") {
    const k = obj(auth["kubernetes"], `${p}.kubernetes`)
    const q = `${p}.kubernetes`
    const sa = optObj(k, "serviceAccountRef", q)
    const secret = optObj(k, "secretRef", q)
    return {
      kind: "kubernetes",
      mountPath: optStr(k, "mountPath", q) ?? "kubernetes",
      role: str(k, "role", q),
      ...(sa === undefined ? {} : { serviceAccountRef: saRef(k, q, false) }),
      ...(secret === undefined ? {} : { secretRef: keyRef(k, "secretRef", q) }),
    }
  }
  const a = obj(auth["appRole"], `${p}.appRole`)
  const q = `${p}.appRole`
  const roleId = optStr(a, "roleId", q)
  const roleRef = optObj(a, "roleRef", q)
  if (roleId === undefined && roleRef === undefined) throw invalid(q, "one of roleId or roleRef is required")
  return {
    kind: "appRole",
    path: optStr(a, "path", q) ?? "approle",
    ...(roleId === undefined ? {} : { roleId }),
    ...(roleRef === undefined ? {} : { roleRef: keyRef(a, "roleRef", q) }),
    secretRef: keyRef(a, "secretRef", q),
  }
}

function keyRef(parent: Obj, key: string, p: string): SecretKeyRef {
  const r = optObj(parent, key, p)
  if (r === undefined) throw invalid(`${p}.${key}`, "required")
  const namespace = optStr(r, "namespace", `${p}.${key}`)
  return {
    name: str(r, "name", `${p}.${key}`),
    key: str(r, "key", `${p}.${key}`),
    ...(namespace === undefined ? {} : { namespace }),
  }
}

function saRef(parent: Obj, p: string, required: boolean): ServiceAccountRef {
  const r = optObj(parent, "serviceAccountRef", p)
  if (r === undefined) {
    if (required) throw invalid(`${p}.serviceAccountRef`, "required")
    throw invalid(`${p}.serviceAccountRef`, "must be an object")
  }
  const q = `${p}.serviceAccountRef`
  const namespace = optStr(r, "namespace", q)
  return {
    name: str(r, "name", q),
    ...(namespace === undefined ? {} : { namespace }),
    audiences: strList(r, "audiences", q),
  }
}

function parseCondition(raw: unknown, p: string): NamespaceCondition {
  const c = obj(raw, p)
  const namespaces = strList(c, "namespaces", p)
  const regexes = strList(c, "namespaceRegexes", p)
  regexes.forEach((r, i) => {
    try {
      RE2JS.compile(r)
    } catch {
      throw invalid(`${p}.namespaceRegexes[${i}]`, "is not a valid regular expression")
    }
  })
  const sel = optObj(c, "namespaceSelector", p)
  return {
    ...(namespaces.length === 0 ? {} : { namespaces }),
    ...(regexes.length === 0 ? {} : { namespaceRegexes: regexes }),
    ...(sel === undefined ? {} : { namespaceSelector: parseSelector(sel, `${p}.namespaceSelector`) }),
  }
}

function parseSelector(s: Obj, p: string): LabelSelector {
  const ops = ["In", "NotIn", "Exists", "DoesNotExist"] as const
  const matchExpressions = list(s, "matchExpressions", p).map((raw, i): LabelSelectorRequirement => {
    const q = `${p}.matchExpressions[${i}]`
    const e = obj(raw, q)
    return {
      key: str(e, "key", q),
      operator: oneOf(e, "operator", q, ops, "In"),
      values: strList(e, "values", q),
    }
  })
  return { matchLabels: strMap(s, "matchLabels", p), matchExpressions }
}
