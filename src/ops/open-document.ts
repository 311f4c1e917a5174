import type { FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import type { BackendKind, KeyOpener } from "../keys/backend.js"
import { unsealTree } from "../seal/unseal.js"
import type { Branch } from "../tree/node.js"
import { loadSealed } from "./load-sealed.js"

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
 * the tree rather than on emitted text (exec-env, publish). Loads the file as decrypt does, so a
 * broken sealed file exits 1 (SEALED_FORMAT) here too, as sops does for every command.
 * @throws BridgeError NOT_SEALED | SEALED_FORMAT | NO_KEY | MAC_MISMATCH | DECRYPT
 */
export async function openDocument(req: OpenRequest): Promise<Branch[]> {
  const { sealed, metadata } = loadSealed(
    formats[req.format],
    req.input,
    req.source,
    "the file is not sealed (or not in the format its extension says: try --input-type)",
  )
  const opened = await unsealTree(sealed.branches, metadata, req.openers, {
    keepIvs: false,
    ignoreMac: req.ignoreMac === true,
    source: req.source,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  opened.dataKey.fill(0)
  return opened.branches
}
