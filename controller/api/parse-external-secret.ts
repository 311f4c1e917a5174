import { RE2JS } from "re2js"
import { DecodingStrategy } from "../../src/index.js"
import { parseGoDuration } from "./duration.js"
import {
  exactlyOne,
  invalid,
  list,
  obj,
  oneOf,
  optBool,
  optObj,
  optStr,
  refuse,
  str,
  strMap,
  type Obj,
} from "./fields.js"
import {
  CreationPolicy,
  DeletionPolicy,
  RefreshPolicy,
  type DataEntry,
  type DataFromEntry,
  type ExternalSecretSpec,
  type RemoteRefSpec,
  type RolloutTarget,
  type RewriteRule,
  type StoreRef,
  type TargetSpec,
  type TemplateSpec,
} from "./types.js"

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/
const DECODINGS = Object.values(DecodingStrategy)
const DEFAULT_REFRESH_MS = 3_600_000

/**
 * Validates an ExternalSecret `spec` (ESO's external-secrets.io/v1 shape) and applies defaults.
 * `name` is the object's own name (default target name).
 * @throws BridgeError CONFIG naming the exact field
 */
export function parseExternalSecretSpec(raw: unknown, name: string): ExternalSecretSpec {
  const spec = obj(raw, "spec")
  refuse(spec, ["syncWindows"], "spec")
  const refresh = optStr(spec, "refreshInterval", "spec")
  const data = list(spec, "data", "spec").map((e, i) => parseData(e, `spec.data[${i}]`))
  const dataFrom = list(spec, "dataFrom", "spec").map((e, i) => parseDataFrom(e, `spec.dataFrom[${i}]`))
  const target = parseTarget(optObj(spec, "target", "spec") ?? {}, name)
  if (data.length === 0 && dataFrom.length === 0 && target.template === undefined)
    throw invalid("spec", "one of data, dataFrom or target.template is required")
  if (target.deletionPolicy === DeletionPolicy.Delete && target.creationPolicy !== CreationPolicy.Owner)
    throw invalid("spec.target.deletionPolicy", "Delete needs creationPolicy Owner")
  if (target.deletionPolicy === DeletionPolicy.Merge && target.creationPolicy === CreationPolicy.None)
    throw invalid("spec.target.deletionPolicy", "Merge cannot be used with creationPolicy None")
  return {
    secretStoreRef: parseStoreRef(spec),
    refreshIntervalMs:
      refresh === undefined ? DEFAULT_REFRESH_MS : parseGoDuration(refresh, "spec.refreshInterval"),
    refreshPolicy: oneOf(spec, "refreshPolicy", "spec", Object.values(RefreshPolicy), RefreshPolicy.Periodic),
    target,
    data,
    dataFrom,
    rolloutRestartTargets: list(spec, "rolloutRestartTargets", "spec").map((t, i) =>
      parseRolloutTarget(t, `spec.rolloutRestartTargets[${i}]`),
    ),
  }
}

function parseRolloutTarget(raw: unknown, path: string): RolloutTarget {
  const t = obj(raw, path)
  const kind = oneOf(t, "kind", path, ["Deployment", "StatefulSet", "DaemonSet"], "Deployment")
  return { kind, name: str(t, "name", path) }
}

function parseStoreRef(spec: Obj): StoreRef {
  const ref = optObj(spec, "secretStoreRef", "spec")
  if (ref === undefined) throw invalid("spec.secretStoreRef", "required")
  return {
    name: str(ref, "name", "spec.secretStoreRef"),
    kind: oneOf(ref, "kind", "spec.secretStoreRef", ["SecretStore", "ClusterSecretStore"], "SecretStore"),
  }
}

function parseRemoteRef(ref: Obj, path: string): RemoteRefSpec {
  refuse(ref, ["nullBytePolicy"], path)
  oneOf(ref, "conversionStrategy", path, ["Default"], "Default")
  oneOf(ref, "metadataPolicy", path, ["None"], "None")
  const property = optStr(ref, "property", path)
  const version = optStr(ref, "version", path)
  return {
    key: str(ref, "key", path),
    ...(property === undefined ? {} : { property }),
    ...(version === undefined ? {} : { version }),
    decodingStrategy: oneOf(ref, "decodingStrategy", path, DECODINGS, DecodingStrategy.None),
  }
}

function parseData(raw: unknown, path: string): DataEntry {
  const e = obj(raw, path)
  refuse(e, ["sourceRef"], path)
  const secretKey = str(e, "secretKey", path)
  if (!SECRET_KEY.test(secretKey)) invalidKey(`${path}.secretKey`)
  const remoteRef = optObj(e, "remoteRef", path)
  if (remoteRef === undefined) throw invalid(`${path}.remoteRef`, "required")
  return { secretKey, remoteRef: parseRemoteRef(remoteRef, `${path}.remoteRef`) }
}

function invalidKey(path: string): never {
  throw invalid(path, "must match [-._a-zA-Z0-9]+")
}

function parseDataFrom(raw: unknown, path: string): DataFromEntry {
  const e = obj(raw, path)
  refuse(e, ["sourceRef"], path)
  const rewrite = list(e, "rewrite", path).map((r, i) => parseRewrite(r, `${path}.rewrite[${i}]`))
  const which = exactlyOne(e, ["extract", "find"], path)
  if (which === "extract") {
    return {
      kind: "extract",
      extract: parseRemoteRef(obj(e["extract"], `${path}.extract`), `${path}.extract`),
      rewrite,
    }
  }
  const f = obj(e["find"], `${path}.find`)
  refuse(f, ["nullBytePolicy"], `${path}.find`)
  oneOf(f, "conversionStrategy", `${path}.find`, ["Default"], "Default")
  const nameObj = optObj(f, "name", `${path}.find`)
  const name = nameObj === undefined ? undefined : str(nameObj, "regexp", `${path}.find.name`)
  if (name !== undefined) checkRegexp(name, `${path}.find.name.regexp`)
  const tags = strMap(f, "tags", `${path}.find`)
  const findPath = optStr(f, "path", `${path}.find`)
  if (name === undefined && Object.keys(tags).length === 0 && findPath === undefined)
    throw invalid(`${path}.find`, "one of path, name or tags is required")
  return {
    kind: "find",
    find: {
      ...(findPath === undefined ? {} : { path: findPath }),
      ...(name === undefined ? {} : { name }),
      ...(Object.keys(tags).length === 0 ? {} : { tags }),
      decodingStrategy: oneOf(f, "decodingStrategy", `${path}.find`, DECODINGS, DecodingStrategy.None),
    },
    rewrite,
  }
}

function parseRewrite(raw: unknown, path: string): RewriteRule {
  const r = obj(raw, path)
  refuse(r, ["transform", "merge"], path)
  const re = optObj(r, "regexp", path)
  if (re === undefined) throw invalid(`${path}.regexp`, "required")
  const source = str(re, "source", `${path}.regexp`)
  checkRegexp(source, `${path}.regexp.source`)
  const target = re["target"]
  if (typeof target !== "string") throw invalid(`${path}.regexp.target`, "must be a string")
  return { regexp: { source, target } }
}

function checkRegexp(source: string, path: string): void {
  try {
    RE2JS.compile(source) // Go's RE2 syntax, as ESO
  } catch {
    throw invalid(path, "is not a valid regular expression")
  }
}

function parseTarget(t: Obj, esName: string): TargetSpec {
  const p = "spec.target"
  refuse(t, ["manifest"], p)
  const tpl = optObj(t, "template", p)
  const template = tpl === undefined ? undefined : parseTemplate(tpl, `${p}.template`)
  return {
    name: optStr(t, "name", p) ?? esName,
    creationPolicy: oneOf(t, "creationPolicy", p, Object.values(CreationPolicy), CreationPolicy.Owner),
    deletionPolicy: oneOf(t, "deletionPolicy", p, Object.values(DeletionPolicy), DeletionPolicy.Retain),
    immutable: optBool(t, "immutable", p) ?? false,
    ...(template === undefined ? {} : { template }),
  }
}

function parseTemplate(t: Obj, p: string): TemplateSpec {
  refuse(t, ["templateFrom"], p)
  oneOf(t, "engineVersion", p, ["v2"], "v2")
  const meta = optObj(t, "metadata", p) ?? {}
  refuse(meta, ["finalizers"], `${p}.metadata`)
  const type = optStr(t, "type", p)
  if (type === "kubernetes.io/service-account-token")
    throw invalid(`${p}.type`, "service-account-token Secrets cannot be templated")
  const data = strMap(t, "data", p)
  for (const k of Object.keys(data)) if (!SECRET_KEY.test(k)) invalidKey(`${p}.data.${k}`)
  return {
    ...(type === undefined ? {} : { type }),
    labels: strMap(meta, "labels", `${p}.metadata`),
    annotations: strMap(meta, "annotations", `${p}.metadata`),
    data,
    mergePolicy: oneOf(t, "mergePolicy", p, ["Replace", "Merge"], "Replace"),
  }
}
