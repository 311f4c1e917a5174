import { BridgeError, ErrorCode } from "../errors.js"
import type { EmitOptions, FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import { metadataFromTree } from "../seal/metadata.js"
import { asSealedFormat, loadSealed } from "./load-sealed.js"
import { unsealTree } from "../seal/unseal.js"
import { emitExtracted } from "./emit-extracted.js"
import { extractNode, nodesUnder } from "./extract.js"
import type { Branch } from "../tree/node.js"
import { decryptBinaryFast, type BinaryDecryptRequest } from "./decrypt-binary.js"

/** The binary fast path's request plus how to emit a document (one shape for both paths). */
export interface DecryptRequest extends BinaryDecryptRequest {
  readonly emit?: EmitOptions
}

/**
 * Opens a sealed document. The MAC is verified before any plaintext is produced.
 * @throws BridgeError NOT_SEALED | FORMAT | NO_KEY | MAC_MISMATCH | DECRYPT | EXTRACT_*
 */
export async function decryptDocument(req: DecryptRequest): Promise<Uint8Array> {
  const fast = await decryptBinaryFast(req)
  if (fast !== null) return fast
  const { sealed, metadata } = loadSealed(
    formats[req.inputFormat],
    req.input,
    req.source,
    "the file is not sealed (or not in the format its extension says: try --input-type)",
  )
  const opened = await unsealTree(sealed.branches, metadata, req.openers, {
    keepIvs: false,
    ...onlyExtracted(sealed.branches[0], req),
    ignoreMac: req.ignoreMac,
    source: req.source,
    ...req.call,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  opened.dataKey.fill(0)
  const outFormat = formats[req.outputFormat]
  if (req.extract !== undefined && req.extract.length > 0) {
    const first = opened.branches[0]
    if (first === undefined)
      throw new BridgeError(ErrorCode.ExtractMissing, `${req.source}: the file has no document`)
    const node = extractNode(first, req.extract)
    return dumping(() => emitExtracted(outFormat, node, req.emit))
  }
  return dumping(() => outFormat.emit(opened.branches, req.emit))
}

/**
 * `--extract` with `--ignore-mac`: only the extracted part is decrypted. Without --ignore-mac
 * every value is (the MAC is over all plaintext values, so it cannot be checked otherwise), as
 * sops does. sops decrypts everything even with --ignore-mac, so it also fails on a damaged
 * value outside the extracted part; sealbridge does not look at those. A path that is not in
 * the file gives nothing here: the full path then reports it, after the key errors, as before.
 */
function onlyExtracted(first: Branch | undefined, req: DecryptRequest): { only?: ReadonlySet<object> } {
  if (!req.ignoreMac || req.extract === undefined || req.extract.length === 0 || first === undefined)
    return {}
  try {
    return { only: nodesUnder(extractNode(first, req.extract)) }
  } catch {
    return {}
  }
}

/** The plaintext cannot be written in the output format: sops' "Error dumping file", exit 4. */
export function dumping(emit: () => Uint8Array): Uint8Array {
  try {
    return emit()
  } catch (err) {
    if (!(err instanceof BridgeError) || err.code !== ErrorCode.Format) throw err
    throw new BridgeError(ErrorCode.Emit, `error dumping file: ${err.message}`, {
      cause: err,
      hint: "choose an output type that can hold this data (--output-type yaml or json)",
    })
  }
}

/** `filestatus`: sealed iff metadata with a non-empty version and mac is present (as sops). */
export function fileStatus(input: Uint8Array, source: string, format: FormatName): { encrypted: boolean } {
  const sealed = asSealedFormat(() => formats[format].parseSealed(input, source))
  if (sealed.metadata === null) return { encrypted: false }
  try {
    const meta = metadataFromTree(sealed.metadata, source)
    return { encrypted: meta.version !== "" && meta.mac !== "" }
  } catch (err) {
    if (err instanceof BridgeError && err.code !== ErrorCode.Format) return { encrypted: false }
    return asSealedFormat(() => {
      throw err
    })
  }
}
