import { RE2JS } from "re2js"
import { BridgeError, ErrorCode } from "../errors.js"
import type { CreationRule } from "./creation-rule.js"
import { CONFIG_HINT, parseRule, readConfigYaml } from "./sops-config.js"

/** Where `publish` sends a file: an S3 bucket (the sealed file) or Vault KV (its plaintext). */
export type Destination =
  | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string }
  | {
      readonly kind: "vault"
      /** `vault_address`; empty: VAULT_ADDR (sops: the Vault client's default). */
      readonly address: string
      /** Always ends in "/". */
      readonly path: string
      /** Always ends in "/"; default `secret/`. */
      readonly mount: string
      readonly kvVersion: 1 | 2
    }

/** One `destination_rules` entry as sops 3.13 reads it. */
export interface DestinationRule {
  /** null: matches every path. */
  readonly pathRegex: string | null
  readonly destination: Destination | null
  /** The `recreation_rule`: with keys, an S3 upload is sealed again for them first. */
  readonly recreation: CreationRule
  readonly omitExtensions: boolean
}

type Obj = Record<string, unknown>

const configError = (message: string, cause?: unknown): BridgeError =>
  new BridgeError(ErrorCode.Config, message, { hint: CONFIG_HINT, ...(cause === undefined ? {} : { cause }) })
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)

/**
 * The `destination_rules` of a `.sops.yaml` text, in file order.
 * @throws BridgeError CONFIG naming the wrong field, or the line and column of a YAML syntax error
 */
export function parseDestinationRules(text: string, path: string): DestinationRule[] {
  const raw = readConfigYaml(text, path)
  if (!isObj(raw)) return []
  const list = raw["destination_rules"]
  if (list === undefined || list === null) return []
  if (!Array.isArray(list)) throw configError(`${path}: destination_rules: must be a list`)
  return list.map((r, i) => parseOne(r, `${path}: destination_rules[${i}]`))
}

function parseOne(raw: unknown, where: string): DestinationRule {
  if (!isObj(raw)) throw configError(`${where}: must be a mapping`)
  const s = (key: string): string => {
    const v = raw[key]
    if (v === undefined || v === null) return ""
    if (typeof v !== "string") throw configError(`${where}.${key}: must be a string`)
    return v
  }
  const pathRegex = s("path_regex")
  if (pathRegex !== "") {
    try {
      RE2JS.compile(pathRegex)
    } catch (err) {
      throw configError(`${where}.path_regex: not a valid RE2 regular expression`, err)
    }
  }
  const omit = raw["omit_extensions"]
  if (omit !== undefined && omit !== null && typeof omit !== "boolean")
    throw configError(`${where}.omit_extensions: must be true or false`)
  const recreationRaw = raw["recreation_rule"]
  const recreation = parseRule(
    recreationRaw === undefined || recreationRaw === null ? {} : recreationRaw,
    `${where}.recreation_rule`,
  )
  return {
    pathRegex: pathRegex === "" ? null : pathRegex,
    destination: destinationOf(raw, s, where),
    recreation,
    omitExtensions: omit === true,
  }
}

function destinationOf(raw: Obj, s: (key: string) => string, where: string): Destination | null {
  const set = [s("s3_bucket"), s("gcs_bucket"), s("vault_path")].filter((v) => v !== "").length
  if (set > 1)
    throw configError(
      "error loading config: more than one destinations were found in a single destination rule, you can only use one per rule",
    )
  if (s("gcs_bucket") !== "")
    throw configError(`${where}.gcs_bucket: Google Cloud Storage destinations are not supported`)
  if (s("s3_bucket") !== "") return { kind: "s3", bucket: s("s3_bucket"), prefix: s("s3_prefix") }
  if (s("vault_path") === "") return null
  const version = raw["vault_kv_version"]
  if (version !== undefined && version !== null && typeof version !== "number")
    throw configError(`${where}.vault_kv_version: must be 1 or 2`)
  const slash = (p: string): string => (p.endsWith("/") ? p : `${p}/`)
  return {
    kind: "vault",
    address: s("vault_address"),
    path: slash(s("vault_path")),
    mount: slash(s("vault_kv_mount_name") === "" ? "secret/" : s("vault_kv_mount_name")),
    // sops: anything but 1 or 2 means 2.
    kvVersion: version === 1 ? 1 : 2,
  }
}

/**
 * The first rule whose `path_regex` matches anywhere in `filePath` (the path as given on the
 * command line, as sops matches it), or a rule without one.
 * @throws BridgeError PUBLISH with sops' text when none matches
 */
export function matchDestinationRule(rules: readonly DestinationRule[], filePath: string): DestinationRule {
  for (const r of rules) {
    if (r.pathRegex === null || RE2JS.compile(r.pathRegex).matcher(filePath).find()) return r
  }
  throw new BridgeError(ErrorCode.Publish, "error loading config: no matching destination found in config", {
    hint: "add a destination_rules entry whose path_regex matches this file to .sops.yaml",
  })
}
