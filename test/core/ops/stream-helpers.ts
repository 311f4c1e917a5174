import fc from "fast-check"
import { BytesSource, type ByteSource } from "../../../src/formats/byte-source.js"
import type { KeyBackend, KeyOpener } from "../../../src/keys/backend.js"
import type { FormatName } from "../../../src/formats/format.js"
import type { PieceProducer } from "../../../src/formats/piece-sink.js"
import type { DecryptRequest } from "../../../src/ops/decrypt-document.js"
import type { EncryptRequest } from "../../../src/ops/encrypt-document.js"
import { RuleKind, type SelectionRule } from "../../../src/seal/metadata-types.js"
import { fakeAge } from "../../helpers/hex-keys.js"

// Shared by the one-pass (streaming) seal/open tests: fixed randomness, requests sealed with the
// fake age key of helpers/hex-keys.ts, random rules.

/** Counter bytes: every call gives different, reproducible bytes. */
export function counterRandom(): (n: number) => Uint8Array {
  let c = 0
  return (n) => Uint8Array.from({ length: n }, () => c++ & 0xff)
}

export const fixedDeps = (): { now: () => Date; randomBytes: (n: number) => Uint8Array } => ({
  now: () => new Date("2026-01-02T03:04:05Z"),
  randomBytes: counterRandom(),
})

export function sealRequest(
  input: Uint8Array,
  format: FormatName,
  opts: {
    rule?: SelectionRule | null
    macOnly?: boolean
    indent?: number | null
    keyGroups?: KeyBackend[][]
  },
): EncryptRequest {
  return {
    input,
    source: `doc.${format}`,
    inputFormat: format,
    outputFormat: format,
    keyGroups: opts.keyGroups ?? [[fakeAge]],
    shamirThreshold: 0,
    rule: opts.rule ?? null,
    macOnlyEncrypted: opts.macOnly ?? false,
    ...(opts.indent === undefined || opts.indent === null ? {} : { emit: { indent: opts.indent } }),
  }
}

/** The request to open `input`, a sealed file of `format` (doc.<format>), with `openers`; `extra` overrides. */
export const openRequest = (
  input: Uint8Array,
  format: FormatName,
  openers: KeyOpener[],
  extra: Partial<DecryptRequest> = {},
): DecryptRequest => ({
  input,
  source: `doc.${format}`,
  inputFormat: format,
  outputFormat: format,
  openers,
  ignoreMac: false,
  ...extra,
})

/** A request to seal `input` as a binary file (blob.bin) with the fake age key; `extra` overrides. */
export const binaryRequest = (input: Uint8Array, extra: Partial<EncryptRequest> = {}): EncryptRequest => ({
  input,
  source: "blob.bin",
  inputFormat: "binary",
  outputFormat: "binary",
  keyGroups: [[fakeAge]],
  shamirThreshold: 0,
  rule: null,
  macOnlyEncrypted: false,
  ...extra,
})

/** A request to open the sealed binary file `input` (blob.bin) with `openers`; `extra` overrides. */
export const binaryOpenRequest = (
  input: Uint8Array,
  openers: KeyOpener[],
  extra: Partial<DecryptRequest> = {},
): DecryptRequest => ({
  input,
  source: "blob.bin",
  inputFormat: "binary",
  outputFormat: "binary",
  openers,
  ignoreMac: false,
  ...extra,
})

export function produced(producer: PieceProducer): string {
  const pieces: Uint8Array[] = []
  producer((p) => pieces.push(p))
  return Buffer.concat(pieces).toString("utf8")
}

/** Every selection rule, each matching some generated keys or comments. */
export const rules: fc.Arbitrary<SelectionRule | null> = fc.constantFrom<SelectionRule | null>(
  null,
  { kind: RuleKind.UnencryptedSuffix, value: "_unencrypted" },
  { kind: RuleKind.EncryptedSuffix, value: "1" },
  { kind: RuleKind.UnencryptedRegex, value: "^a" },
  { kind: RuleKind.EncryptedRegex, value: "b|pw" },
  { kind: RuleKind.UnencryptedCommentRegex, value: " c" },
  { kind: RuleKind.EncryptedCommentRegex, value: "spaced|ü" },
)

/**
 * The bytes as a file read in pieces would give them: not a BytesSource, so no reader takes
 * them whole; each read fills what it can, as pread on a regular file does. `reads` counts them.
 */
export function fileLike(bytes: Uint8Array): ByteSource & { readonly reads: number } {
  const inner = new BytesSource(bytes)
  let reads = 0
  return {
    size: inner.size,
    get reads() {
      return reads
    },
    read: (into, at) => {
      reads++
      return inner.read(into, at)
    },
  }
}
