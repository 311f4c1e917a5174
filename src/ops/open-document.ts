import { BridgeError, ErrorCode } from "../errors.js"
import type { FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import type { BackendKind, KeyOpener } from "../keys/backend.js"
import { metadataFromTree } from "../seal/metadata.js"
import { unsealTree } from "../seal/unseal.js"
import type { Branch } from "../tree/node.js"

export interface OpenRequest {
  readonly input: Uint8Array
  readonly source: string
  readonly format: FormatName
  readonly openers: readonly KeyOpener[]
  readonly ignoreMac?: boolean
  readonly decryptionOrder?: readonly BackendKind[]
}

/**
 * Opens a sealed file into its plain branches (MAC verified first), for commands that work on
 * the tree rather than on emitted text (exec-env, publish, updatekeys).
 * @throws BridgeError NOT_SEALED | FORMAT | NO_KEY | MAC_MISMATCH | DECRYPT
 */
export async function openDocument(req: OpenRequest): Promise<Branch[]> {
  const sealed = formats[req.format].parseSealed(req.input, req.source)
  if (sealed.metadata === null) {
    throw new BridgeError(ErrorCode.NotSealed, `${req.source}: sops metadata not found`, {
      hint: "the file is not sealed (or not in the format its extension says: try --input-type)",
    })
  }
  const metadata = metadataFromTree(sealed.metadata, req.source)
  const opened = await unsealTree(sealed.branches, metadata, req.openers, {
    ignoreMac: req.ignoreMac === true,
    source: req.source,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  opened.dataKey.fill(0)
  return opened.branches
}
