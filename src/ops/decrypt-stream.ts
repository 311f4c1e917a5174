import { BridgeError, ErrorCode } from "../errors.js"
import { streamOpenJson } from "../formats/json-stream.js"
import { PieceSink } from "../formats/piece-sink.js"
import { formats } from "../formats/registry.js"
import { streamYaml } from "../formats/yaml-stream.js"
import { metadataFromTree } from "../seal/metadata.js"
import type { SealMetadata } from "../seal/metadata-types.js"
import { StreamOpener } from "../seal/stream-opener.js"
import { decryptDataKey, verifyMac } from "../seal/unseal.js"
import { parseJson } from "../formats/json-parse.js"
import type { MapNode } from "../tree/node.js"
import { checkOnly, type StreamWalker } from "../tree/stream-walk.js"
import type { DecryptRequest } from "./decrypt-document.js"
import { STREAM_MIN_BYTES } from "./encrypt-binary.js"

/** A sealed file split for one-pass opening: its metadata, and how to read the data part. */
interface Layout {
  readonly metadata: SealMetadata
  /** Whether the data part is for this path (a first pass, before any key is used). */
  check(): boolean
  /** The data part opened into `sink`; false when it is not for this path after all. */
  body(walker: StreamWalker, sink: PieceSink): boolean
  /** Text after the body (JSON: the final newline). */
  readonly tail: string
}

/**
 * `decrypt` of a large sealed JSON or block YAML file (the same format in and out, no
 * --extract) without the document tree: the metadata is read from the end of the file, the data
 * key opened, then every value is opened as it is read and the plaintext gathered in pieces;
 * the MAC is checked before anything is returned, as on the tree path, so nothing is written
 * for a file that fails it. The plaintext is a fraction of the sealed text, which is never
 * copied or held as a tree. null when this path does not apply: the caller uses decryptDocument,
 * which also reports every malformed file in its words.
 * @throws NoKeyError, BridgeError DECRYPT | MAC_MISMATCH (as decryptDocument)
 */
export async function decryptStreamed(
  req: DecryptRequest,
  minBytes = STREAM_MIN_BYTES,
): Promise<Uint8Array[] | null> {
  if (req.input.length < minBytes || req.inputFormat !== req.outputFormat) return null
  if (req.extract !== undefined && req.extract.length > 0) return null
  const input = Buffer.from(req.input.buffer, req.input.byteOffset, req.input.byteLength)
  const layout =
    req.inputFormat === "json"
      ? jsonLayout(input, req)
      : req.inputFormat === "yaml"
        ? yamlLayout(input, req)
        : null
  if (layout === null || !layout.check()) return null
  const dataKey = await decryptDataKey(layout.metadata, req.openers, {
    source: req.source,
    ...req.call,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
  try {
    const pieces: Uint8Array[] = []
    const sink = new PieceSink((p) => pieces.push(p))
    const opener = new StreamOpener(dataKey, layout.metadata, req.source)
    try {
      if (!layout.body(opener, sink)) return null
    } catch (err) {
      // A value the output format cannot write: the tree path reports it after every other check.
      if (err instanceof BridgeError && err.code === ErrorCode.Format) return null
      throw err
    }
    sink.add(layout.tail)
    sink.flush()
    if (!req.ignoreMac) verifyMac(layout.metadata, dataKey, opener.digestHex(), req.source)
    return pieces
  } finally {
    dataKey.fill(0)
  }
}

function metadataOf(tree: MapNode | null, source: string): SealMetadata | null {
  if (tree === null) return null
  try {
    return metadataFromTree(tree, source)
  } catch {
    return null
  }
}

/** JSON: the data part is checked and the `sops` value found in one first pass. */
function jsonLayout(input: Buffer, req: DecryptRequest): Layout | null {
  const indent = req.emit?.indent === undefined ? "\t" : " ".repeat(req.emit.indent)
  const at = streamOpenJson(input, indent, checkOnly, new PieceSink(null))
  if (at === null) return null
  let tree
  try {
    tree = parseJson(input.toString("utf8", at.start, at.end), req.source)
  } catch {
    return null
  }
  const metadata = metadataOf(tree.kind === "map" ? tree : null, req.source)
  if (metadata === null) return null
  return {
    metadata,
    check: () => true, // the pass that found the metadata checked the rest
    body: (walker, sink) => streamOpenJson(input, indent, walker, sink) !== null,
    tail: "\n",
  }
}

// The `sops` entry sops and sealbridge write last, at column 0.
const YAML_SOPS = Buffer.from("\nsops:\n")

/** YAML: the file is cut before its last top-level `sops:`; each part is read on its own. */
function yamlLayout(input: Buffer, req: DecryptRequest): Layout | null {
  const cut = input.lastIndexOf(YAML_SOPS)
  if (cut === -1) return null
  const data = input.subarray(0, cut + 1)
  let sealed
  try {
    sealed = formats.yaml.parseSealed(input.subarray(cut + 1), req.source)
  } catch {
    return null
  }
  if (sealed.branches.length !== 1 || sealed.branches[0]?.items.length !== 0) return null
  const metadata = metadataOf(sealed.metadata, req.source)
  if (metadata === null) return null
  const best = req.emit?.indent ?? 4
  return {
    metadata,
    // Duplicate keys and a second top-level `sops` entry hand the file to the tree path.
    check: () => streamYaml(data, best, checkOnly, new PieceSink(null), true),
    body: (walker, sink) => streamYaml(data, best, walker, sink, false),
    tail: "",
  }
}
