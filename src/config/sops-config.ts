import { RE2JS } from "re2js"
import { parseDocument } from "yaml"
import { BridgeError, ErrorCode } from "../errors.js"
import { assertYamlDepth } from "../formats/yaml-depth.js"
import { RuleKind, type SelectionRule } from "../seal/metadata-types.js"
import type { CreationRule, StoreSettings } from "./creation-rule.js"
import { yamlErrorAt } from "../formats/yaml-error.js"
import { parseKmsList, splitKeyList, type KeySpec } from "./key-spec.js"

/** A parsed `.sops.yaml`: creation rules in file order plus store formatting settings. */
export interface SopsConfig {
  readonly path: string
  readonly rules: readonly ParsedRule[]
  readonly stores: StoreSettings
}

export interface ParsedRule extends CreationRule {
  /** null: the rule matches every path. */
  readonly pathRegex: string | null
}

type Obj = Record<string, unknown>

export const CONFIG_HINT =
  "fix .sops.yaml: README's `.sops.yaml` section lists the fields sops and sealbridge read"

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)

/**
 * Parses `.sops.yaml` text. A file without `creation_rules` yields no rules (sops ignores it).
 * @throws BridgeError CONFIG naming the field that is wrong
 */
export function parseSopsConfig(text: string, path: string): SopsConfig {
  const raw = readConfigYaml(text, path)
  if (raw === null || raw === undefined) return { path, rules: [], stores: {} }
  if (!isObj(raw)) throw configError(path, "top level must be a mapping")
  const rulesRaw = raw["creation_rules"]
  const rules: ParsedRule[] = []
  if (rulesRaw !== undefined && rulesRaw !== null) {
    if (!Array.isArray(rulesRaw)) throw configError(path, "creation_rules: must be a list")
    for (const [i, r] of rulesRaw.entries()) rules.push(parseRule(r, `${path}: creation_rules[${i}]`))
  }
  return { path, rules, stores: parseStores(raw["stores"], path) }
}

/**
 * The YAML of `.sops.yaml` as plain data. A syntax error gives line and column; no message
 * carries the parser's own text or a cause, since those quote the input (and --debug prints
 * causes). `destination_rules` are read through it too, so both give the same positions.
 * @throws BridgeError CONFIG `path:line:column: not valid yaml: reason`
 */
export function readConfigYaml(text: string, path: string): unknown {
  try {
    assertYamlDepth(text, path)
  } catch (err) {
    const message = err instanceof Error ? err.message : `${path}: not valid yaml`
    throw new BridgeError(ErrorCode.Config, message, { hint: CONFIG_HINT })
  }
  // logLevel: the package would print warnings (with source excerpts) on the process's stderr.
  const doc = parseDocument(text, { prettyErrors: false, logLevel: "error" })
  const err = doc.errors[0]
  if (err !== undefined) {
    const { line, column, reason } = yamlErrorAt(text, err)
    throw new BridgeError(ErrorCode.Config, `${path}:${line}:${column}: not valid yaml: ${reason}`, {
      hint: CONFIG_HINT,
    })
  }
  try {
    return doc.toJS()
  } catch {
    // toJS refuses alias bombs (yaml's maxAliasCount).
    throw new BridgeError(ErrorCode.Config, `${path}: too many aliases`, { hint: CONFIG_HINT })
  }
}

function parseStores(raw: unknown, path: string): StoreSettings {
  if (raw === undefined || raw === null) return {}
  if (!isObj(raw)) throw configError(path, "stores: must be a mapping")
  const indentOf = (name: string): number | undefined => {
    const s = raw[name]
    if (!isObj(s) || s["indent"] === undefined) return undefined
    const n = s["indent"]
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
      throw configError(path, `stores.${name}.indent: must be a whole number`)
    return n
  }
  const yamlIndent = indentOf("yaml")
  const jsonIndent = indentOf("json")
  const jsonBinaryIndent = indentOf("json_binary")
  return {
    ...(yamlIndent === undefined ? {} : { yamlIndent }),
    ...(jsonIndent === undefined ? {} : { jsonIndent }),
    ...(jsonBinaryIndent === undefined ? {} : { jsonBinaryIndent }),
  }
}

/** One `creation_rules` entry (also a destination rule's `recreation_rule`). @throws CONFIG */
export function parseRule(raw: unknown, where: string): ParsedRule {
  if (!isObj(raw))
    throw new BridgeError(ErrorCode.Config, `${where}: must be a mapping`, { hint: CONFIG_HINT })
  const pathRegex = optString(raw, "path_regex", where)
  if (pathRegex !== undefined) {
    try {
      RE2JS.compile(pathRegex)
    } catch (err) {
      throw new BridgeError(ErrorCode.Config, `${where}.path_regex: not a valid RE2 regular expression`, {
        cause: err,
        hint: CONFIG_HINT,
      })
    }
  }
  const awsProfile = optString(raw, "aws_profile", where)
  // sops reads key_groups only when it lists a group (`len(cRule.KeyGroups) > 0`): an empty
  // list, like none, means the rule's flat keys.
  const groupsRaw = raw["key_groups"]
  const keyGroups =
    groupsRaw !== undefined && groupsRaw !== null && !(Array.isArray(groupsRaw) && groupsRaw.length === 0)
      ? parseKeyGroups(groupsRaw, `${where}.key_groups`)
      : [flatKeys(raw, where, awsProfile)]
  const threshold = raw["shamir_threshold"]
  if (
    threshold !== undefined &&
    (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < 0)
  ) {
    throw new BridgeError(ErrorCode.Config, `${where}.shamir_threshold: must be a whole number`, {
      hint: CONFIG_HINT,
    })
  }
  const mac = raw["mac_only_encrypted"]
  if (mac !== undefined && typeof mac !== "boolean") {
    throw new BridgeError(ErrorCode.Config, `${where}.mac_only_encrypted: must be true or false`, {
      hint: CONFIG_HINT,
    })
  }
  return {
    pathRegex: pathRegex ?? null,
    keyGroups,
    shamirThreshold: threshold ?? 0,
    rule: selectionRuleOf(raw, where),
    macOnlyEncrypted: mac ?? false,
  }
}

/** The one selection rule a mapping sets, or null. @throws CONFIG when several are set */
export function selectionRuleOf(raw: Obj, where: string): SelectionRule | null {
  const set: SelectionRule[] = []
  for (const kind of Object.values(RuleKind)) {
    const value = optString(raw, kind, where)
    if (value !== undefined && value !== "") set.push({ kind, value })
  }
  if (set.length > 1) {
    throw new BridgeError(
      ErrorCode.Config,
      `${where}: only one of ${set.map((r) => r.kind).join(", ")} may be set`,
      { hint: "sops allows a single suffix/regex rule per file" },
    )
  }
  return set[0] ?? null
}

function flatKeys(raw: Obj, where: string, awsProfile: string | undefined): KeySpec[] {
  const keys: KeySpec[] = []
  for (const r of stringList(raw["age"], `${where}.age`)) keys.push({ kind: "age", recipient: r })
  for (const fp of stringList(raw["pgp"], `${where}.pgp`)) keys.push({ kind: "pgp", fingerprint: fp })
  for (const s of stringList(raw["kms"], `${where}.kms`)) keys.push(...parseKmsList(s, awsProfile))
  for (const id of stringList(raw["gcp_kms"], `${where}.gcp_kms`))
    keys.push({ kind: "gcp_kms", resourceId: id })
  for (const url of stringList(raw["azure_keyvault"], `${where}.azure_keyvault`))
    keys.push({ kind: "azure_kv", url })
  for (const uri of stringList(raw["hc_vault_transit_uri"], `${where}.hc_vault_transit_uri`)) {
    keys.push({ kind: "hc_vault", uri })
  }
  return dedupe(keys)
}

function parseKeyGroups(raw: unknown, where: string): KeySpec[][] {
  if (!Array.isArray(raw))
    throw new BridgeError(ErrorCode.Config, `${where}: must be a list`, { hint: CONFIG_HINT })
  return raw.map((g, i) => parseGroup(g, `${where}[${i}]`))
}

function parseGroup(raw: unknown, where: string): KeySpec[] {
  if (!isObj(raw))
    throw new BridgeError(ErrorCode.Config, `${where}: must be a mapping`, { hint: CONFIG_HINT })
  const keys: KeySpec[] = []
  for (const r of listOnly(raw["age"], `${where}.age`))
    keys.push({ kind: "age", recipient: str(r, `${where}.age`) })
  for (const fp of listOnly(raw["pgp"], `${where}.pgp`))
    keys.push({ kind: "pgp", fingerprint: str(fp, `${where}.pgp`) })
  for (const [i, k] of listOnly(raw["kms"], `${where}.kms`).entries())
    keys.push(groupKms(k, `${where}.kms[${i}]`))
  for (const uri of listOnly(raw["hc_vault"], `${where}.hc_vault`))
    keys.push({ kind: "hc_vault", uri: str(uri, `${where}.hc_vault`) })
  for (const [i, g] of listOnly(raw["gcp_kms"], `${where}.gcp_kms`).entries()) {
    if (!isObj(g))
      throw new BridgeError(ErrorCode.Config, `${where}.gcp_kms[${i}]: must be a mapping`, {
        hint: CONFIG_HINT,
      })
    keys.push({ kind: "gcp_kms", resourceId: str(g["resource_id"], `${where}.gcp_kms[${i}].resource_id`) })
  }
  for (const [i, m] of listOnly(raw["merge"], `${where}.merge`).entries())
    keys.push(...parseGroup(m, `${where}.merge[${i}]`))
  return dedupe(keys)
}

function groupKms(raw: unknown, where: string): KeySpec {
  if (!isObj(raw))
    throw new BridgeError(ErrorCode.Config, `${where}: must be a mapping`, { hint: CONFIG_HINT })
  const ctx = raw["context"]
  let context: Record<string, string> | undefined
  if (ctx !== undefined && ctx !== null) {
    if (!isObj(ctx))
      throw new BridgeError(ErrorCode.Config, `${where}.context: must be a mapping`, { hint: CONFIG_HINT })
    context = Object.fromEntries(Object.entries(ctx).map(([k, v]) => [k, String(v)]))
  }
  const role = optString(raw, "role", where)
  const awsProfile = optString(raw, "aws_profile", where)
  return {
    kind: "kms",
    arn: str(raw["arn"], `${where}.arn`),
    ...(role === undefined || role === "" ? {} : { role }),
    ...(context === undefined ? {} : { context }),
    ...(awsProfile === undefined || awsProfile === "" ? {} : { awsProfile }),
  }
}

function dedupe(keys: KeySpec[]): KeySpec[] {
  const seen = new Set<string>()
  return keys.filter((k) => {
    const id = JSON.stringify(k)
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

function stringList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return []
  if (typeof v === "string") return splitKeyList(v)
  if (Array.isArray(v)) return v.map((x) => str(x, where).trim()).filter((x) => x !== "")
  throw new BridgeError(ErrorCode.Config, `${where}: must be a string or a list of strings`, {
    hint: CONFIG_HINT,
  })
}

function listOnly(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v))
    throw new BridgeError(ErrorCode.Config, `${where}: must be a list`, { hint: CONFIG_HINT })
  return v
}

function str(v: unknown, where: string): string {
  if (typeof v !== "string")
    throw new BridgeError(ErrorCode.Config, `${where}: must be a string`, { hint: CONFIG_HINT })
  return v
}

function optString(raw: Obj, key: string, where: string): string | undefined {
  const v = raw[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== "string")
    throw new BridgeError(ErrorCode.Config, `${where}.${key}: must be a string`, { hint: CONFIG_HINT })
  return v
}

function configError(path: string, message: string): BridgeError {
  return new BridgeError(ErrorCode.Config, `${path}: ${message}`, { hint: CONFIG_HINT })
}
