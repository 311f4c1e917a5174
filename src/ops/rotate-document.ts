import { BridgeError, ErrorCode } from "../errors.js"
import type { EmitOptions, FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import {
  wrappedKeyId,
  type CallOptions,
  type KeyBackend,
  type KeyOpener,
  type WrappedKey,
} from "../keys/backend.js"
import { metadataToTree } from "../seal/metadata.js"
import { loadSealed } from "./load-sealed.js"
import { sealTree, type SealDeps } from "../seal/seal.js"
import { unsealTree } from "../seal/unseal.js"

export interface RotateRequest {
  readonly input: Uint8Array
  readonly source: string
  readonly format: FormatName
  readonly openers: readonly KeyOpener[]
  /** Builds an encrypt-side backend for a key already in the file. @throws CONFIG when it cannot */
  readonly backendFor: (wrapped: WrappedKey) => KeyBackend
  /** Added to the first key group, as sops does. */
  readonly add: readonly KeyBackend[]
  /** Key ids (age recipient, ARN, …) to drop from every group. */
  readonly remove: readonly string[]
  readonly emit?: EmitOptions
  readonly call?: CallOptions
}

/**
 * `rotate`: opens the file, then seals every value again under a fresh data key (new IVs, new
 * MAC) wrapped for the file's keys, with `add` and `remove` applied. Rule and settings are kept.
 * @throws BridgeError as decrypt; CONFIG when no key would remain
 */
export async function rotateDocument(req: RotateRequest, deps: SealDeps): Promise<Uint8Array> {
  const format = formats[req.format]
  const { sealed, metadata } = loadSealed(
    format,
    req.input,
    req.source,
    "rotate works on sealed files; seal it first with sealbridge encrypt",
  )
  const opened = await unsealTree(sealed.branches, metadata, req.openers, { source: req.source, ...req.call })
  opened.dataKey.fill(0)
  const drop = new Set(req.remove)
  const groups = metadata.keyGroups.map((g) =>
    g.filter((w) => !drop.has(wrappedKeyId(w))).map(req.backendFor),
  )
  groups[0] = [...(groups[0] ?? []), ...req.add]
  if (groups.every((g) => g.length === 0)) {
    throw new BridgeError(ErrorCode.Config, `${req.source}: rotating would leave the file with no master key`)
  }
  const resealed = await sealTree(
    opened.branches,
    {
      keyGroups: groups,
      shamirThreshold: metadata.shamirThreshold,
      rule: metadata.rule,
      storeRule: req.format !== "binary" && metadata.rule !== null,
      macOnlyEncrypted: metadata.macOnlyEncrypted,
      ...(req.call === undefined ? {} : { call: req.call }),
    },
    deps,
  )
  return format.emitSealed(resealed.branches, metadataToTree(resealed.metadata), req.emit)
}
