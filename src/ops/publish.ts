import type { CreationRule } from "../config/creation-rule.js"
import type { Destination, DestinationRule } from "../config/destination-rules.js"
import type { FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import type { BackendKind, CallOptions, KeyBackend, KeyOpener } from "../keys/backend.js"
import { RuleKind } from "../seal/metadata-types.js"
import { metadataToTree } from "../seal/metadata.js"
import { sealTree, type SealDeps } from "../seal/seal.js"
import { unsealTree } from "../seal/unseal.js"
import { loadSealed } from "./load-sealed.js"
import { branchesToJson, type JsonValue } from "./publish-json.js"
import { planKeys } from "./update-keys.js"

export interface PublishRequest {
  readonly input: Uint8Array
  /** The path as given: messages and the destination's file name. */
  readonly source: string
  readonly format: FormatName
  readonly rule: DestinationRule
  /** Destination name: the file name, or with --recursive the path under the walked directory. */
  readonly name: string
  readonly omitExtensions: boolean
  readonly openers: readonly KeyOpener[]
  readonly decryptionOrder?: readonly BackendKind[]
  /** Builds the recreation rule's key groups. @throws CONFIG for a kind that cannot be used */
  readonly backendsFor: (groups: CreationRule["keyGroups"]) => KeyBackend[][]
  readonly call?: CallOptions
}

/** What `publish` will send, ready for the prompt and the upload. */
export type Prepared =
  | {
      readonly kind: "s3"
      readonly bucket: string
      readonly key: string
      readonly body: Uint8Array
      /** sops' key-group diff when the recreation rule changes the keys, else "". */
      readonly diff: string
      readonly display: string
    }
  | {
      readonly kind: "vault"
      /** `vault_address`, or "" for the environment's VAULT_ADDR. */
      readonly address: string
      readonly apiPath: string
      readonly kvVersion: 1 | 2
      readonly data: { readonly [key: string]: JsonValue }
      readonly diff: ""
      readonly display: (address: string) => string
    }

/**
 * Prepares `publish` as sops 3.13 does. S3: the sealed file as it is, or — when the matching
 * rule's `recreation_rule` names keys — opened (MAC checked) and sealed again under a new data key
 * for those keys, with the rule's suffix setting (sops copies no regex rule), else the default. Vault: the
 * opened values as one JSON object (every document merged, comments dropped).
 * @throws as decrypt (NO_KEY 128, MAC_MISMATCH …), KEY_WRAP when a recreation key cannot wrap
 */
export async function preparePublish(req: PublishRequest, deps: SealDeps): Promise<Prepared> {
  const dest = req.rule.destination
  if (dest === null) throw new Error("preparePublish: rule without destination")
  const name = req.omitExtensions || req.rule.omitExtensions ? withoutExtension(req.name) : req.name
  if (dest.kind === "vault") {
    const { branches } = await open(req)
    const apiPath = vaultApiPath(dest, name)
    return {
      kind: "vault",
      address: dest.address,
      apiPath,
      kvVersion: dest.kvVersion,
      data: branchesToJson(branches),
      diff: "",
      display: (address) => `${address}/v1/${apiPath}`,
    }
  }
  // sops loads the file first either way: an unsealed file is refused, not uploaded.
  loadSealed(formats[req.format], req.input, req.source, "publish sends sealed files")
  const recreate = req.rule.recreation.keyGroups[0]?.length !== 0
  const body = recreate ? await reseal(req, req.rule.recreation, deps) : null
  return {
    kind: "s3",
    bucket: dest.bucket,
    key: `${dest.prefix}${name}`,
    body: body?.bytes ?? req.input,
    diff: body?.diff ?? "",
    display: `s3://${dest.bucket}/${dest.prefix}${name}`,
  }
}

/** sops' `secretsPath`: `<mount><path><name>`, with `data/` after the mount for KV v2. */
export function vaultApiPath(dest: Extract<Destination, { kind: "vault" }>, name: string): string {
  return dest.kvVersion === 1 ? `${dest.mount}${dest.path}${name}` : `${dest.mount}data/${dest.path}${name}`
}

/** Go's strings.TrimSuffix(p, filepath.Ext(p)): the last ".x" of the last path element. */
export function withoutExtension(p: string): string {
  const slash = p.lastIndexOf("/")
  const dot = p.lastIndexOf(".")
  return dot > slash ? p.slice(0, dot) : p
}

async function open(req: PublishRequest) {
  const format = formats[req.format]
  const { sealed, metadata } = loadSealed(format, req.input, req.source, "publish sends sealed files")
  const opened = await unsealTree(sealed.branches, metadata, req.openers, {
    source: req.source,
    ...req.call,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  opened.dataKey.fill(0)
  return { branches: opened.branches, metadata }
}

async function reseal(req: PublishRequest, rule: CreationRule, deps: SealDeps) {
  const { branches, metadata } = await open(req)
  const plan = planKeys(metadata, { ...rule, shamirThreshold: metadata.shamirThreshold })
  const changes = plan.diffs.some((d) => d.added.length > 0 || d.removed.length > 0)
  let diff = ""
  if (changes) {
    diff = "The following changes will be made to the file's key groups:\n"
    plan.diffs.forEach((d, i) => {
      diff += `Group ${i + 1}\n`
      for (const k of d.common) diff += `    ${k}\n`
      for (const k of d.added) diff += `+++ ${k}\n`
      for (const k of d.removed) diff += `--- ${k}\n`
    })
  }
  // sops 3.13 copies only a suffix setting and otherwise seals with no rule at all: every value,
  // `_unencrypted` ones too, and no rule stored — a file it then reads with its default suffix and
  // fails on (MAC mismatch). sealbridge keeps the suffix setting and falls back to that default.
  const suffix =
    rule.rule?.kind === RuleKind.UnencryptedSuffix || rule.rule?.kind === RuleKind.EncryptedSuffix
  const sealed = await sealTree(
    branches,
    {
      keyGroups: req.backendsFor(rule.keyGroups),
      shamirThreshold: rule.shamirThreshold,
      rule: suffix ? rule.rule : null,
      storeRule: req.format !== "binary",
      ...(req.call === undefined ? {} : { call: req.call }),
    },
    deps,
  )
  const bytes = formats[req.format].emitSealed(sealed.branches, metadataToTree(sealed.metadata))
  return { bytes, diff }
}
