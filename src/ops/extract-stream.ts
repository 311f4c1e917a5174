import { BridgeError, ErrorCode } from "../errors.js"
import type { ByteSource } from "../formats/byte-source.js"
import { PieceSink } from "../formats/piece-sink.js"
import { formats } from "../formats/registry.js"
import { StreamOpener } from "../seal/stream-opener.js"
import { verifyMac } from "../seal/unseal.js"
import { dumping } from "./decrypt-document.js"
import {
  streamDataKey,
  streamLayout,
  type StreamOpenOptions,
  type StreamOpenRequest,
} from "./decrypt-stream.js"
import { emitExtracted } from "./emit-extracted.js"
import { ExtractWalk } from "./extract-walk.js"
import { STREAM_MIN_BYTES } from "./encrypt-binary.js"

/**
 * `decrypt --extract` of a large sealed JSON or block YAML file in one pass over its pieces,
 * without the document tree: only the extracted part is built, then printed as decryptDocument
 * prints it. With the MAC checked every value is opened (the MAC covers them all) and the MAC
 * checked before anything is returned; with --ignore-mac only the values inside the extracted
 * part are decrypted. null when this path does not apply (small files, other formats, no path,
 * anything the one-pass readers refuse, a value the input format could not write, and, with
 * --ignore-mac, a path that is not in the file: the tree path then opens every value and
 * reports it after any damaged one, as before): the caller uses decryptDocument.
 * @throws NoKeyError, BridgeError DECRYPT | MAC_MISMATCH | EXTRACT_MISSING | EMIT (as decryptDocument)
 */
export async function extractStreamed(
  req: StreamOpenRequest,
  source: ByteSource,
  opts: StreamOpenOptions = {},
): Promise<Uint8Array | null> {
  const steps = req.extract
  if (steps === undefined || steps.length === 0 || source.size < (opts.minBytes ?? STREAM_MIN_BYTES))
    return null
  const layout = streamLayout(req, source, opts.piece)
  if (layout === null || !layout.check()) return null
  const dataKey = await streamDataKey(req, layout.metadata)
  try {
    const opener = new StreamOpener(dataKey, layout.metadata, req.source)
    const walk = new ExtractWalk(opener, steps, !req.ignoreMac)
    try {
      if (!layout.body(walk, new PieceSink(null))) return null
    } catch (err) {
      // A value the input format cannot write back: the tree path decides.
      if (err instanceof BridgeError && err.code === ErrorCode.Format) return null
      throw err
    }
    if (!req.ignoreMac) verifyMac(layout.metadata, dataKey, opener.digestHex(), req.source)
    const node = walk.found()
    if (node === null) {
      if (req.ignoreMac) return null
      throw walk.missing()
    }
    return dumping(() => emitExtracted(formats[req.outputFormat], node, req.emit))
  } finally {
    dataKey.fill(0)
  }
}
