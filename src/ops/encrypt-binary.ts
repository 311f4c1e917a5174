import { BridgeError, ErrorCode } from "../errors.js"
import { formats } from "../formats/registry.js"
import { metadataToTree } from "../seal/metadata.js"
import { sealBinaryStream } from "../seal/seal-binary.js"
import type { SealDeps } from "../seal/seal.js"
import { entry, map, str } from "../tree/node.js"
import type { PiecesRequest } from "./pieces-request.js"

/** Files at least this large take the streaming path (smaller ones gain nothing from it). */
export const STREAM_MIN_BYTES = 1 << 20

// Stands in for the sealed value while the JSON around it is written; base64 never contains it.
const PLACEHOLDER = "@@sealbridge-binary-value@@"

/**
 * `encrypt` of a binary file (binary in, binary out) as pieces of output, for files of at least
 * `minBytes`: the same bytes encryptDocument writes, but the sealed text (4/3 of the input) is
 * produced piece by piece while the caller writes it, so peak memory stays near the input's
 * size (a file read in pieces, a {@link ByteSource}, is not held at all: it is read twice, once
 * for the MAC and once to encrypt). null when this path does not apply; the caller then uses
 * encryptDocument.
 * @throws BridgeError CONFIG (no keys) | KEY_BACKEND, before any piece is produced
 */
export async function encryptBinaryPieces(
  req: PiecesRequest,
  deps: SealDeps,
  minBytes = STREAM_MIN_BYTES,
): Promise<Iterable<Uint8Array> | null> {
  const size = req.input instanceof Uint8Array ? req.input.length : req.input.size
  if (req.inputFormat !== "binary" || req.outputFormat !== "binary" || size < minBytes) return null
  if (req.keyGroups.every((g) => g.length === 0)) {
    throw new BridgeError(ErrorCode.Config, `${req.source}: no master keys to encrypt with`, {
      hint: "pass --age <recipient>, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml",
    })
  }
  const sealed = await sealBinaryStream(
    req.input,
    {
      keyGroups: req.keyGroups,
      shamirThreshold: req.shamirThreshold,
      rule: null,
      storeRule: false,
      macOnlyEncrypted: req.macOnlyEncrypted,
      ...(req.call === undefined ? {} : { call: req.call }),
    },
    deps,
  )
  if (sealed === null) return null
  const frame = Buffer.from(
    formats.binary.emitSealed(
      [map([entry("data", str(PLACEHOLDER))])],
      metadataToTree(sealed.metadata),
      req.emit,
    ),
  ).toString("utf8")
  const at = frame.indexOf(PLACEHOLDER)
  if (at === -1 || frame.indexOf(PLACEHOLDER, at + 1) !== -1) return null
  return pieces(frame.slice(0, at), sealed.pieces(), frame.slice(at + PLACEHOLDER.length))
}

function* pieces(head: string, value: Iterable<string>, tail: string): Generator<Uint8Array> {
  yield Buffer.from(head, "utf8")
  // The sealed value is base64 and ASCII: latin1 is its byte-for-byte encoding.
  for (const piece of value) yield Buffer.from(piece, "latin1")
  yield Buffer.from(tail, "utf8")
}
