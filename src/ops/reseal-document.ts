import type { EmitOptions, FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import type { BackendKind, CallOptions, KeyOpener } from "../keys/backend.js"
import { metadataToTree } from "../seal/metadata.js"
import { loadSealed } from "./load-sealed.js"
import { sealTree, type SealDeps } from "../seal/seal.js"
import { unsealTree } from "../seal/unseal.js"
import type { Branch } from "../tree/node.js"

export interface ResealRequest {
  readonly input: Uint8Array
  readonly source: string
  readonly format: FormatName
  /** Write the result in this format (sops `set --output-type`); default the input format. */
  readonly outputFormat?: FormatName
  readonly ignoreMac?: boolean
  readonly decryptionOrder?: readonly BackendKind[]
  readonly openers: readonly KeyOpener[]
  readonly emit?: EmitOptions
  readonly call?: CallOptions
}

/**
 * Opens a sealed file, lets `change` edit the plain branches, and seals the result again with
 * the same data key, the same wrapped keys and the same rule. Values whose path and plaintext
 * did not change keep their IV, so their ciphertext is identical and Git diffs show only what
 * changed (sops does the same in edit/set/unset). `change` returning null means "nothing to do".
 * @throws BridgeError as decrypt, plus whatever `change` throws
 */
export async function resealDocument(
  req: ResealRequest,
  change: (branches: Branch[]) => Branch[] | null | Promise<Branch[] | null>,
  deps: SealDeps,
): Promise<Uint8Array | null> {
  const format = formats[req.format]
  const { sealed, metadata } = loadSealed(
    format,
    req.input,
    req.source,
    "set/unset/edit work on sealed files; seal it first with sealbridge encrypt",
  )
  const opened = await unsealTree(sealed.branches, metadata, req.openers, {
    source: req.source,
    ...req.call,
    ...(req.ignoreMac === true ? { ignoreMac: true } : {}),
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  try {
    const changed = await change(opened.branches)
    if (changed === null) return null
    const resealed = await sealTree(
      changed,
      {
        keyGroups: [],
        shamirThreshold: metadata.shamirThreshold,
        rule: metadata.rule,
        storeRule: req.format !== "binary" && metadata.rule !== null,
        macOnlyEncrypted: metadata.macOnlyEncrypted,
        reuse: { dataKey: opened.dataKey, keyGroups: metadata.keyGroups, stash: opened.stash },
      },
      deps,
    )
    return formats[req.outputFormat ?? req.format].emitSealed(
      resealed.branches,
      metadataToTree(resealed.metadata),
      req.emit,
    )
  } finally {
    opened.dataKey.fill(0)
  }
}
