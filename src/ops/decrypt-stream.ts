import { BridgeError, ErrorCode } from "../errors.js"
import { streamOpenJson } from "../formats/json-stream.js"
import { PieceSink } from "../formats/piece-sink.js"
import { formats } from "../formats/registry.js"
import { streamYamlFrom } from "../formats/yaml-stream.js"
import { BytesSource, lastIndexIn, readRange, type ByteSource } from "../formats/byte-source.js"
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
export interface Layout {
  readonly metadata: SealMetadata
  /** Whether the data part is for this path (a first pass, before any key is used). */
  check(): boolean
  /** The data part opened into `sink`; false when it is not for this path after all. */
  body(walker: StreamWalker, sink: PieceSink): boolean
  /** Text after the body (JSON: the final newline). */
  readonly tail: string
}

/** A large sealed file's request, without the bytes: they come from a {@link ByteSource}. */
export type StreamOpenRequest = Omit<DecryptRequest, "input" | "consumeInput">

/** A file whose data key is open, ready for the passes that open its values. */
export interface StreamOpening {
  /**
   * Opens every value as it is read and hands the plaintext to `write` in pieces of about
   * 64 KiB (`null`: a checking pass, the text is dropped), then checks the MAC unless
   * --ignore-mac: what was written is only good once this returns. May be called again (the
   * CLI's stdout path checks in a first pass and writes in a second); the data key stays open
   * until dispose(). Returns the MAC digest computed over the values met (a second pass over the
   * same bytes gives the same one), or null when the file is not for this path after all (a
   * value the output format cannot write): drop what was written and use the tree path.
   * @throws BridgeError DECRYPT | MAC_MISMATCH (as decryptDocument)
   */
  run(write: ((piece: Uint8Array) => void) | null): string | null
  /** Wipes the data key (always call it, whether run() was called or not). */
  dispose(): void
}

export interface StreamOpenOptions {
  /** Smaller files take the tree path. */
  readonly minBytes?: number
  /** Bytes read at a time (tests use a few, to cut every token somewhere). */
  readonly piece?: number
}

/** Opens the data key of a file read in pieces, with the request's openers, call options and order. */
export function streamDataKey(req: StreamOpenRequest, metadata: SealMetadata): Promise<Uint8Array> {
  return decryptDataKey(metadata, req.openers, {
    source: req.source,
    ...req.call,
    ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
  })
}

/**
 * `decrypt` of a large sealed JSON or block YAML file (the same format in and out, no
 * --extract) in pieces, without the document tree or the whole file in memory: the metadata is
 * found (JSON: by a first pass that also checks the file; YAML: in the file's tail, then a first
 * pass over the data part) and the data key opened; run() then reads the file again in pieces of
 * 64 KiB, opens every value as it is met, accumulates the MAC and hands on the plaintext in
 * pieces. null when this path does not apply: the caller uses decryptDocument, which also
 * reports every malformed file in its words.
 * @throws NoKeyError, BridgeError DECRYPT (as decryptDocument)
 */
export async function openStreamed(
  req: StreamOpenRequest,
  source: ByteSource,
  opts: StreamOpenOptions = {},
): Promise<StreamOpening | null> {
  if (source.size < (opts.minBytes ?? STREAM_MIN_BYTES) || req.inputFormat !== req.outputFormat) return null
  if (req.extract !== undefined && req.extract.length > 0) return null
  const layout = streamLayout(req, source, opts.piece)
  if (layout === null || !layout.check()) return null
  const dataKey = await streamDataKey(req, layout.metadata)
  return {
    run: (write) => {
      const sink = new PieceSink(write)
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
      const digest = opener.digestHex()
      if (!req.ignoreMac) verifyMac(layout.metadata, dataKey, digest, req.source)
      return digest
    },
    dispose: () => void dataKey.fill(0),
  }
}

/**
 * openStreamed over bytes in memory, the plaintext gathered in pieces (returned only after the
 * MAC check). null when the one-pass path does not apply.
 * @throws NoKeyError, BridgeError DECRYPT | MAC_MISMATCH (as decryptDocument)
 */
export async function decryptStreamed(
  req: DecryptRequest,
  minBytes = STREAM_MIN_BYTES,
  piece?: number,
): Promise<Uint8Array[] | null> {
  const opening = await openStreamed(req, new BytesSource(req.input), {
    minBytes,
    ...(piece === undefined ? {} : { piece }),
  })
  if (opening === null) return null
  try {
    const pieces: Uint8Array[] = []
    return opening.run((p) => pieces.push(p)) === null ? null : pieces
  } finally {
    opening.dispose()
  }
}

/**
 * How a sealed JSON or YAML file is read in one pass (its metadata already read); null for other
 * formats and for files whose metadata cannot be found that way (the tree path reads them).
 */
export function streamLayout(req: StreamOpenRequest, source: ByteSource, piece?: number): Layout | null {
  if (req.inputFormat === "json") return jsonLayout(source, req, piece)
  if (req.inputFormat === "yaml") return yamlLayout(source, req, piece)
  return null
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
function jsonLayout(source: ByteSource, req: StreamOpenRequest, piece: number | undefined): Layout | null {
  const indent = req.emit?.indent === undefined ? "\t" : " ".repeat(req.emit.indent)
  const at = streamOpenJson(source, indent, checkOnly, new PieceSink(null), piece)
  if (at === null) return null
  let tree
  try {
    tree = parseJson(readRange(source, at.start, at.end).toString("utf8"), req.source)
  } catch {
    return null
  }
  const metadata = metadataOf(tree.kind === "map" ? tree : null, req.source)
  if (metadata === null) return null
  return {
    metadata,
    check: () => true, // the pass that found the metadata checked the rest
    body: (walker, sink) => streamOpenJson(source, indent, walker, sink, piece) !== null,
    tail: "\n",
  }
}

// The `sops` entry sops and sealbridge write last, at column 0.
const YAML_SOPS = Buffer.from("\nsops:\n")

/** YAML: the file is cut before its last top-level `sops:` (read from the tail); each part is read on its own. */
function yamlLayout(source: ByteSource, req: StreamOpenRequest, piece: number | undefined): Layout | null {
  const cut = lastIndexIn(source, YAML_SOPS)
  if (cut === -1) return null
  let sealed
  try {
    sealed = formats.yaml.parseSealed(readRange(source, cut + 1, source.size), req.source)
  } catch {
    return null
  }
  if (sealed.branches.length !== 1 || sealed.branches[0]?.items.length !== 0) return null
  const metadata = metadataOf(sealed.metadata, req.source)
  if (metadata === null) return null
  const best = req.emit?.indent ?? 4
  const range = { end: cut + 1, ...(piece === undefined ? {} : { piece }) }
  return {
    metadata,
    // Duplicate keys and a second top-level `sops` entry hand the file to the tree path.
    // The `sops:` key after the data part is where go-yaml places a final comment run.
    check: () => streamYamlFrom(source, range, best, checkOnly, new PieceSink(null), true, true),
    body: (walker, sink) => streamYamlFrom(source, range, best, walker, sink, false, true),
    tail: "",
  }
}
