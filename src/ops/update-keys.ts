import type { CreationRule } from "../config/creation-rule.js"
import type { KeySpec } from "../config/key-spec.js"
import type { FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import {
  wrappedKeyId,
  type BackendKind,
  type KeyBackend,
  type KeyOpener,
  type WrappedKey,
} from "../keys/backend.js"
import { metadataToTree } from "../seal/metadata.js"
import { loadSealed } from "./load-sealed.js"
import type { SealMetadata } from "../seal/metadata-types.js"
import { decryptDataKey } from "../seal/unwrap.js"
import { wrapDataKey } from "../seal/wrap.js"

/** One key group's change, as sops' `DiffKeyGroups` computes it (keys by their printed id). */
export interface GroupDiff {
  readonly common: readonly string[]
  readonly added: readonly string[]
  readonly removed: readonly string[]
}

export interface KeysPlan {
  readonly diffs: readonly GroupDiff[]
  readonly oldThreshold: number
  readonly newThreshold: number
  /** false: the file already has the rule's keys (sops: "already up to date"). */
  readonly changes: boolean
}

/** The id sops prints for a key of a rule: KMS keys by ARN alone, as its `ToString`. */
export function specPrintId(spec: KeySpec): string {
  switch (spec.kind) {
    case "age":
      return spec.recipient
    case "kms":
      return spec.arn
    case "hc_vault":
      return spec.uri
    case "pgp":
      return spec.fingerprint
    case "gcp_kms":
      return spec.resourceId
    case "azure_kv":
      return spec.url
  }
}

/**
 * The file's sealed form, parsed once: metadata plus what is needed to write it back. Loaded as
 * decrypt loads it, so a broken sealed file exits 1 (SEALED_FORMAT) as with sops.
 */
export function readSealed(input: Uint8Array, source: string, format: FormatName) {
  const { sealed, metadata } = loadSealed(
    formats[format],
    input,
    source,
    "the file is not sealed (or not in the format its extension says: try --input-type)",
  )
  return { branches: sealed.branches, metadata }
}

/**
 * What `updatekeys` would change: the file's key groups against the rule's, and the Shamir
 * threshold (the file's, or `thresholdFlag`, capped at the rule's group count, as sops).
 */
export function planKeys(metadata: SealMetadata, rule: CreationRule, thresholdFlag = 0): KeysPlan {
  const ours = metadata.keyGroups.map((g) => g.map(wrappedKeyId))
  const theirs = rule.keyGroups.map((g) => g.map(specPrintId))
  const diffs: GroupDiff[] = []
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
    const mine = ours[i] ?? []
    const want = theirs[i] ?? []
    diffs.push({
      common: want.filter((k) => mine.includes(k)),
      added: want.filter((k) => !mine.includes(k)),
      removed: mine.filter((k) => !want.includes(k)),
    })
  }
  const wanted = thresholdFlag !== 0 ? thresholdFlag : metadata.shamirThreshold
  const newThreshold = Math.min(wanted, rule.keyGroups.length)
  const keysChange = diffs.some((d) => d.added.length > 0 || d.removed.length > 0)
  return {
    diffs,
    oldThreshold: metadata.shamirThreshold,
    newThreshold,
    changes: keysChange || newThreshold !== metadata.shamirThreshold,
  }
}

/** sops' text for the plan (PrettyPrintShamirDiff + PrettyPrintDiffs, without colour). */
export function formatPlan(plan: KeysPlan): string {
  let out = "The following changes will be made to the file's groups:\n"
  const { oldThreshold: o, newThreshold: n } = plan
  if (o > 0 && o === n) out += `shamir_threshold: ${n}\n`
  else {
    if (n > 0) out += `+++ shamir_threshold: ${n}\n`
    if (o > 0) out += `--- shamir_threshold: ${o}\n`
  }
  plan.diffs.forEach((d, i) => {
    out += `Group ${i + 1}\n`
    for (const k of d.common) out += `    ${k}\n`
    for (const k of d.added) out += `+++ ${k}\n`
    for (const k of d.removed) out += `--- ${k}\n`
  })
  return out
}

export interface RewrapRequest {
  readonly input: Uint8Array
  readonly source: string
  readonly format: FormatName
  readonly openers: readonly KeyOpener[]
  readonly decryptionOrder?: readonly BackendKind[]
  readonly keyGroups: readonly (readonly KeyBackend[])[]
  readonly shamirThreshold: number
  readonly randomBytes: (n: number) => Uint8Array
}

/**
 * Wraps the file's existing data key for a new set of key groups and writes the metadata back.
 * Values, MAC and lastmodified are untouched: only the `sops` key entries change, as in sops.
 * @throws NoKeyError when no current key opens the data key; KEY_WRAP when a new key refuses
 */
export async function rewrapDocument(req: RewrapRequest): Promise<Uint8Array> {
  const { branches, metadata } = readSealed(req.input, req.source, req.format)
  const dataKey = await decryptDataKey(metadata, req.openers, {
    source: req.source,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  let keyGroups: WrappedKey[][]
  try {
    keyGroups = await wrapDataKey(dataKey, req.keyGroups, req.shamirThreshold, req.randomBytes)
  } finally {
    dataKey.fill(0)
  }
  const next: SealMetadata = { ...metadata, keyGroups, shamirThreshold: req.shamirThreshold }
  return formats[req.format].emitSealed(branches, metadataToTree(next))
}
