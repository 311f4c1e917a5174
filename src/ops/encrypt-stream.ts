import { BridgeError, ErrorCode } from "../errors.js"
import { DOTENV_PREFIX, dotenvEntry } from "../formats/dotenv.js"
import { plainDotenvItems, streamDotenv } from "../formats/dotenv-stream.js"
import { flattenMetadata } from "../formats/flatten.js"
import { emitJson } from "../formats/json-emit.js"
import { BytesSource, type ByteSource } from "../formats/byte-source.js"
import { streamJsonFrom } from "../formats/json-stream.js"
import { PieceSink, type PieceProducer } from "../formats/piece-sink.js"
import { streamYamlFrom } from "../formats/yaml-stream.js"
import { writeYaml } from "../formats/yaml-write.js"
import { entry, map, type MapItem } from "../tree/node.js"
import { metadataToTree } from "../seal/metadata.js"
import {
  DEFAULT_UNENCRYPTED_SUFFIX,
  RuleKind,
  SOPS_VERSION,
  type SealMetadata,
} from "../seal/metadata-types.js"
import type { SealDeps } from "../seal/seal.js"
import { StreamSealer } from "../seal/stream-sealer.js"
import { wrapDataKey } from "../seal/wrap.js"
import type { WrappedKey } from "../keys/backend.js"
import { checkOnly, type StreamWalker } from "../tree/stream-walk.js"
import { sourceOf, type PiecesRequest } from "./pieces-request.js"
import { isBlankSource } from "./blank.js"

/**
 * YAML and JSON files from this size on are sealed in one pass (smaller ones through the tree).
 * Measured 2 Dec 2026 (bench inputs, 5 interleaved cold runs, load ~9.5): JSON 977 KB 930 -> 720 ms
 * CPU and 154 -> 65 MB peak, YAML 295 KB 390 -> 350 ms and 90 -> 68 MB; a 28 KB YAML was slower
 * in one pass (170 -> 194 ms: two passes and more code for 1,000 values). Opening keeps its 1 MiB
 * threshold: the 142 KB sealed 1,000-leaf YAML opened in 140 ms through the tree, 210 ms in pieces.
 */
export const SEAL_STREAM_MIN_BYTES = 256 << 10

/** How a format is read and written in one pass: the document into the sink, then the metadata. */
interface StreamFormat {
  /** false: this input is not for the one-pass path (the tree path reads it, and reports errors). */
  body(input: ByteSource, walker: StreamWalker, sink: PieceSink, checking: boolean, piece?: number): boolean
  tail(metadata: SealMetadata): string
}

function jsonStream(req: PiecesRequest): StreamFormat {
  const indent = req.emit?.indent === undefined ? "\t" : " ".repeat(req.emit.indent)
  return {
    body: (input, walker, sink, _checking, piece) => streamJsonFrom(input, indent, walker, sink, piece),
    tail: (m) => `${indent}"sops": ${emitJson(metadataToTree(m), indent, 1)}\n}\n`,
  }
}

function yamlStream(req: PiecesRequest): StreamFormat {
  const best = req.emit?.indent ?? 4
  return {
    body: (input, walker, sink, checking, piece) =>
      streamYamlFrom(input, piece === undefined ? {} : { piece }, best, walker, sink, checking),
    // The root writer on the `sops` entry alone: the document's entries are already written.
    tail: (m) => writeYaml([map([entry("sops", metadataToTree(m))])], best),
  }
}

// dotenv at any size: its reader gives the items the tree path seals, and writing them as they
// are sealed saves the sealed tree and the whole-file string (10,000 lines: ~40 ms CPU of ~320).
function dotenvStream(): StreamFormat {
  let items: readonly MapItem[] | null = null
  return {
    body: (input, walker, sink, checking) => {
      // Its reader takes the whole file: a file read in pieces is not for this path.
      if (!(input instanceof BytesSource)) return false
      if (checking) items = plainDotenvItems(input.bytes)
      if (items === null) return false
      if (!checking) streamDotenv(items, walker, sink)
      return true
    },
    tail: (m) =>
      flattenMetadata(metadataToTree(m), DOTENV_PREFIX)
        .map(([k, v]) => dotenvEntry(k, { kind: "string", value: v }))
        .join(""),
  }
}

const formatFor = (req: PiecesRequest): StreamFormat | null =>
  req.inputFormat === "json"
    ? jsonStream(req)
    : req.inputFormat === "yaml"
      ? yamlStream(req)
      : req.inputFormat === "dotenv"
        ? dotenvStream()
        : null

/**
 * `encrypt` of a large JSON or block YAML file (the same format in and out) in one pass, without the document tree: the
 * same bytes encryptDocument writes, with the same randomness in the same order, but each value
 * is sealed as it is read and the text goes out in pieces as it is made, so peak memory stays
 * near the input's size while the sealed text is several times larger. A first pass checks the
 * whole input, and the data key is wrapped, before the first piece: nothing is written for input
 * this path does not take, and a key that cannot wrap fails before any output.
 * dotenv takes this path at any size, when its bytes are in memory. An input read in pieces (a
 * {@link ByteSource}) is read twice and never held, `piece` bytes at a time (tests: a few, to cut
 * every token somewhere): the second pass must read what the first read.
 * null when this path does not apply (smaller files, other formats, several key groups, whose
 * Shamir split draws randomness after the values); the caller then uses encryptDocument.
 * @throws BridgeError KEY_WRAP, before any piece is produced
 */
export async function encryptStreamed(
  req: PiecesRequest,
  deps: SealDeps,
  minBytes = SEAL_STREAM_MIN_BYTES,
  piece?: number,
): Promise<PieceProducer | null> {
  const input = sourceOf(req.input)
  if (input.size < (req.inputFormat === "dotenv" ? 0 : minBytes)) return null
  if (req.inputFormat !== req.outputFormat || isBlankSource(input)) return null
  if (req.keyGroups.length !== 1 || req.keyGroups[0]?.length === 0) return null
  const format = formatFor(req)
  if (format === null || !format.body(input, checkOnly, new PieceSink(null), true, piece)) return null
  const dataKey = deps.randomBytes(32)
  let keyGroups: WrappedKey[][]
  try {
    keyGroups = await wrapDataKey(
      dataKey,
      req.keyGroups,
      req.shamirThreshold,
      (n) => deps.randomBytes(n),
      req.call,
    )
  } catch (err) {
    dataKey.fill(0)
    throw err
  }
  const rule = req.rule ?? { kind: RuleKind.UnencryptedSuffix, value: DEFAULT_UNENCRYPTED_SUFFIX }
  return (write) => {
    try {
      const sealer = new StreamSealer(dataKey, rule, req.macOnlyEncrypted, (n) => deps.randomBytes(n))
      const sink = new PieceSink(write)
      if (!format.body(input, sealer, sink, false, piece))
        throw new BridgeError(ErrorCode.Internal, `${req.source}: the input changed while it was sealed`)
      const { lastModified, mac } = sealer.finish(deps.now())
      sink.add(
        format.tail({
          keyGroups,
          shamirThreshold: req.shamirThreshold,
          lastModified,
          mac,
          rule,
          macOnlyEncrypted: req.macOnlyEncrypted,
          version: SOPS_VERSION,
        }),
      )
      sink.flush()
    } finally {
      dataKey.fill(0)
    }
  }
}
