import path from "node:path"
import {
  BridgeError,
  ErrorCode,
  KeyWrapError,
  findConfigFile,
  matchCreationRule,
  parseEncryptionContext,
  parseKmsList,
  parseSopsConfig,
  selectionRuleOf,
  splitKeyList,
  type CreationRule,
  type KeySpec,
  type SopsConfig,
  type StoreSettings,
} from "../src/index.js"
import type { CliIO } from "./io.js"
import type { SealFlags } from "./options.js"

/** Loads `.sops.yaml` (`--config`/`SOPS_CONFIG`, else the upward search); null when there is none. */
export async function loadConfig(
  flags: SealFlags,
  io: CliIO,
  targetName: string,
): Promise<SopsConfig | null> {
  const explicit = flags.config ?? io.env["SOPS_CONFIG"]
  let file: string | null
  if (explicit !== undefined && explicit !== "") {
    if (!io.exists(explicit)) throw new BridgeError(ErrorCode.Config, `config file ${explicit} not found`)
    file = explicit
  } else {
    const starts = targetName === "-" ? [io.cwd] : [io.cwd, path.dirname(path.resolve(io.cwd, targetName))]
    file = findConfigFile(starts, (p) => io.exists(p), path)
  }
  if (file === null) return null
  const text = new TextDecoder().decode(await io.readFile(file))
  return parseSopsConfig(text, file)
}

/**
 * What to seal a new file with, as sops decides it: key flags (or their env vars) replace the
 * config's keys; suffix/regex flags win over the rule's; otherwise the first matching rule.
 * @throws BridgeError CONFIG when no keys come from anywhere, CONFLICT when two rules are set
 */
export async function resolveCreationRule(
  flags: SealFlags,
  io: CliIO,
  targetName: string,
): Promise<CreationRule & { readonly stores: StoreSettings }> {
  const flagKeys = keysFromFlags(flags, io)
  const config = await loadConfig(flags, io, targetName)
  let fromConfig: CreationRule | null = null
  if (config !== null) {
    try {
      fromConfig = matchCreationRule(config, path.resolve(io.cwd, targetName), path)
    } catch (err) {
      // With keys on the command line a config that has no rule for this file does not matter.
      if (flagKeys.length === 0) throw err
    }
  }
  const flagRule = ruleFromFlags(flags)
  const threshold =
    flags.shamirSecretSharingThreshold === undefined ? 0 : Number(flags.shamirSecretSharingThreshold)
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new BridgeError(ErrorCode.Usage, "--shamir-secret-sharing-threshold: must be a whole number")
  }
  const context = encryptionContext(flags.encryptionContext)
  // sops applies --encryption-context to the config's kms keys too (those that carry none).
  const keyGroups =
    flagKeys.length > 0
      ? [flagKeys]
      : (fromConfig?.keyGroups ?? []).map((g) =>
          g.map((k) =>
            k.kind === "kms" && k.context === undefined && context !== undefined ? { ...k, context } : k,
          ),
        )
  if (keyGroups.every((g) => g.length === 0)) {
    // A matching rule that names no key: sops gets as far as wrapping the data key and stops
    // there, with the text tools match on.
    if (fromConfig !== null)
      throw new KeyWrapError("Could not generate data key: [empty key group provided]", [], {
        hint: "the matching creation rule of .sops.yaml names no key: add age/kms/pgp/hc_vault keys to it",
      })
    throw new BridgeError(
      ErrorCode.Config,
      "config file not found, or has no creation rules, and no keys provided through command line options",
      {
        hint: "pass --age <recipient> (make one with `sealbridge keygen`), set SOPS_AGE_RECIPIENTS, or add creation_rules to .sops.yaml",
      },
    )
  }
  return {
    keyGroups,
    shamirThreshold: threshold > 0 ? threshold : (fromConfig?.shamirThreshold ?? 0),
    rule: flagRule ?? fromConfig?.rule ?? null,
    macOnlyEncrypted: flags.macOnlyEncrypted === true || (fromConfig?.macOnlyEncrypted ?? false),
    stores: config?.stores ?? {},
  }
}

function keysFromFlags(flags: SealFlags, io: CliIO): KeySpec[] {
  const pick = (flag: string | undefined, env: string): string => flag ?? io.env[env] ?? ""
  const context = encryptionContext(flags.encryptionContext)
  const keys: KeySpec[] = []
  for (const r of splitKeyList(pick(flags.age, "SOPS_AGE_RECIPIENTS")))
    keys.push({ kind: "age", recipient: r })
  for (const fp of splitKeyList(pick(flags.pgp, "SOPS_PGP_FP"))) keys.push({ kind: "pgp", fingerprint: fp })
  keys.push(...parseKmsList(pick(flags.kms, "SOPS_KMS_ARN"), flags.awsProfile, context))
  for (const uri of splitKeyList(pick(flags.hcVaultTransit, "SOPS_VAULT_URIS")))
    keys.push({ kind: "hc_vault", uri })
  for (const id of splitKeyList(pick(flags.gcpKms, "SOPS_GCP_KMS_IDS")))
    keys.push({ kind: "gcp_kms", resourceId: id })
  for (const url of splitKeyList(pick(flags.azureKv, "SOPS_AZURE_KEYVAULT_URLS")))
    keys.push({ kind: "azure_kv", url })
  return keys
}

export function encryptionContext(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined || value === "") return undefined
  const out = parseEncryptionContext(value)
  if (out === null) {
    throw new BridgeError(ErrorCode.KmsContext, "Invalid KMS encryption context format", {
      hint: "use --encryption-context key1:value1,key2:value2 (no ':' or ',' inside keys or values)",
    })
  }
  return out
}

function ruleFromFlags(flags: SealFlags): ReturnType<typeof selectionRuleOf> {
  const raw: Record<string, unknown> = {
    unencrypted_suffix: flags.unencryptedSuffix,
    encrypted_suffix: flags.encryptedSuffix,
    unencrypted_regex: flags.unencryptedRegex,
    encrypted_regex: flags.encryptedRegex,
    unencrypted_comment_regex: flags.unencryptedCommentRegex,
    encrypted_comment_regex: flags.encryptedCommentRegex,
  }
  try {
    return selectionRuleOf(raw, "flags")
  } catch (err) {
    throw new BridgeError(
      ErrorCode.Conflict,
      "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file",
      { cause: err },
    )
  }
}
