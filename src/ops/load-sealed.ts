import { BridgeError, ErrorCode } from "../errors.js"
import type { Format, SealedFile } from "../formats/format.js"
import { metadataFromTree } from "../seal/metadata.js"
import type { SealMetadata } from "../seal/metadata-types.js"

/**
 * Parses a sealed file and its metadata. sops reports a sealed file it cannot load (broken
 * syntax, a damaged `sops` block such as a bad version) with exit 1, and plain input it cannot
 * parse with exit 2: parse errors here become SEALED_FORMAT, keeping message and line.
 * @throws BridgeError SEALED_FORMAT, NOT_SEALED (no metadata), NO_KEY (metadata names no key)
 */
export function loadSealed(
  format: Format,
  input: Uint8Array,
  source: string,
  hint: string,
): { sealed: SealedFile; metadata: SealMetadata } {
  const sealed = asSealedFormat(() => format.parseSealed(input, source))
  if (sealed.metadata === null) {
    throw new BridgeError(ErrorCode.NotSealed, `${source}: sops metadata not found`, { hint })
  }
  const tree = sealed.metadata
  return { sealed, metadata: asSealedFormat(() => metadataFromTree(tree, source)) }
}

export function asSealedFormat<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (!(err instanceof BridgeError) || err.code !== ErrorCode.Format) throw err
    throw new BridgeError(ErrorCode.SealedFormat, err.message, {
      cause: err,
      hint: err.hint ?? "the file is not a readable sealed file: restore it from version control",
    })
  }
}
