import { BridgeError, ErrorCode } from "../errors.js"
import type { EmitOptions, FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import type { CallOptions, KeyBackend } from "../keys/backend.js"
import { metadataToTree } from "../seal/metadata.js"
import type { SelectionRule } from "../seal/metadata-types.js"
import { sealTree, type SealDeps } from "../seal/seal.js"
import { isBlank } from "./blank.js"

export interface EncryptRequest {
  readonly input: Uint8Array
  /** File name for messages (and nothing else). */
  readonly source: string
  readonly inputFormat: FormatName
  readonly outputFormat: FormatName
  readonly keyGroups: readonly (readonly KeyBackend[])[]
  readonly shamirThreshold: number
  readonly rule: SelectionRule | null
  readonly macOnlyEncrypted: boolean
  readonly emit?: EmitOptions
  readonly call?: CallOptions
}

/**
 * Seals a plain document: parse, refuse already-sealed input, seal every selected value under
 * one fresh data key, wrap it for each master key, write metadata the way sops 3.13 does.
 * @throws BridgeError EMPTY_FILE | FORMAT | ALREADY_SEALED | CONFIG (no keys) | KEY_BACKEND
 */
export async function encryptDocument(req: EncryptRequest, deps: SealDeps): Promise<Uint8Array> {
  const inFormat = formats[req.inputFormat]
  if (req.inputFormat !== "binary" && isBlank(req.input)) {
    throw new BridgeError(
      ErrorCode.EmptyFile,
      `${req.source}: file cannot be completely empty, it must contain at least one document`,
    )
  }
  const branches = inFormat.parse(req.input, req.source)
  if (inFormat.hasMetadata(branches)) {
    throw new BridgeError(
      ErrorCode.AlreadySealed,
      `${req.source}: file already encrypted (it has a top-level sops entry)`,
      {
        hint: "to change a sealed file, decrypt it first or use edit/set; if the key is plain data, rename it",
      },
    )
  }
  if (req.keyGroups.every((g) => g.length === 0)) {
    throw new BridgeError(ErrorCode.Config, `${req.source}: no master keys to encrypt with`, {
      hint: "pass --age <recipient>, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml",
    })
  }
  const isBinary = req.inputFormat === "binary"
  const sealed = await sealTree(
    branches,
    {
      keyGroups: req.keyGroups,
      shamirThreshold: req.shamirThreshold,
      rule: isBinary ? null : req.rule,
      storeRule: !isBinary,
      macOnlyEncrypted: req.macOnlyEncrypted,
      ...(req.call === undefined ? {} : { call: req.call }),
    },
    deps,
  )
  const outFormat = formats[req.outputFormat]
  return outFormat.emitSealed(sealed.branches, metadataToTree(sealed.metadata), req.emit)
}
