import { BytesSource, type ByteSource } from "../formats/byte-source.js"
import type { EncryptRequest } from "./encrypt-document.js"

/** An encrypt request whose input may also be a file read in pieces (a large file, never held whole). */
export type PiecesRequest = Omit<EncryptRequest, "input"> & { readonly input: Uint8Array | ByteSource }

/** The input as a source: bytes in memory are read in place, without a copy. */
export const sourceOf = (input: Uint8Array | ByteSource): ByteSource =>
  input instanceof Uint8Array ? new BytesSource(input) : input
