import { createCipheriv } from "node:crypto"
import { BytesSource, type ByteSource } from "../formats/byte-source.js"
import { formatLastModified, reformatRfc3339 } from "../util/rfc3339.js"
import { MacBuilder } from "./mac.js"
import { SOPS_VERSION, type SealMetadata } from "./metadata-types.js"
import { policyFor } from "./policy.js"
import type { SealDeps, SealOptions } from "./seal.js"
import { sealBytes } from "./value-cipher.js"
import { wrapDataKey } from "./wrap.js"

/**
 * Plaintext bytes per piece: a multiple of 3, so the pieces' base64 texts concatenate, and small
 * enough (48 KiB) that each piece's buffers and strings die young, in V8's cheap scavenges,
 * instead of piling up as large objects until a full collection.
 */
export const PIECE_BYTES = 3 << 14

/** A binary file sealed, with its one value still to be produced piece by piece. */
export interface StreamedBinarySeal {
  readonly metadata: SealMetadata
  /**
   * The sealed `data` value's text in pieces, `ENC[AES256_GCM,data:` … `,type:str]`, each
   * produced when asked for: the sealed text (4/3 of the input) is never held whole. Call once.
   */
  pieces(): Generator<string>
}

/**
 * Seals a whole file as sops' binary store does — the bytes as one `str` value under `data`,
 * AAD `data:`, the MAC over those bytes — with exactly sealTree's output and its order of
 * randomness (data key, value IV, MAC IV, then wrapping), but streaming the ciphertext: AES-GCM
 * runs on the pieces as they are asked for. The MAC is computed first (it is over the plaintext),
 * so the metadata is complete before the first piece. null when the file is empty or the rule
 * leaves `data` unsealed: the caller uses sealTree.
 */
export async function sealBinaryStream(
  plaintext: Uint8Array | ByteSource,
  opts: SealOptions,
  deps: SealDeps,
): Promise<StreamedBinarySeal | null> {
  const source = plaintext instanceof Uint8Array ? new BytesSource(plaintext) : plaintext
  if (source.size === 0 || opts.reuse !== undefined) return null
  if (!policyFor(opts.rule).shouldSeal(["data"], [[]], false)) return null
  const dataKey = deps.randomBytes(32)
  try {
    const macOnly = opts.macOnlyEncrypted === true
    const mac = new MacBuilder(macOnly)
    for (const piece of piecesOf(source)) mac.add(piece)
    const iv = deps.randomBytes(32)
    // The key is copied into the cipher context now, so it can be wiped before any piece is made.
    const cipher = createCipheriv("aes-256-gcm", dataKey, iv)
    cipher.setAAD(Buffer.from("data:", "utf8"))
    const lastModified = formatLastModified(deps.now())
    const macText = sealBytes(
      dataKey,
      Buffer.from(mac.digestHex(), "utf8"),
      "str",
      reformatRfc3339(lastModified) ?? lastModified,
      deps.randomBytes(32),
    )
    const shamirThreshold = opts.shamirThreshold ?? 0
    const keyGroups = await wrapDataKey(
      dataKey,
      opts.keyGroups,
      shamirThreshold,
      (n) => deps.randomBytes(n),
      opts.call,
    )
    const ivText = Buffer.from(iv).toString("base64")
    return {
      metadata: {
        keyGroups,
        shamirThreshold,
        lastModified,
        mac: macText,
        rule: null,
        macOnlyEncrypted: macOnly,
        version: SOPS_VERSION,
      },
      *pieces() {
        yield "ENC[AES256_GCM,data:"
        for (const piece of piecesOf(source)) yield cipher.update(piece).toString("base64")
        cipher.final()
        yield `,iv:${ivText},tag:${cipher.getAuthTag().toString("base64")},type:str]`
      },
    }
  } finally {
    dataKey.fill(0)
  }
}

/**
 * The source's bytes, PIECE_BYTES at a time (the last piece may be shorter): views of bytes in
 * memory, else read into one reused buffer (each piece is used before the next is read). Reading
 * stops at the first short read, as every reader of a source does.
 */
function* piecesOf(source: ByteSource): Generator<Uint8Array> {
  if (source instanceof BytesSource) {
    for (let at = 0; at < source.size; at += PIECE_BYTES) yield source.bytes.subarray(at, at + PIECE_BYTES)
    return
  }
  const buf = Buffer.allocUnsafe(PIECE_BYTES)
  for (let at = 0; at < source.size;) {
    let n = 0
    while (n < buf.length && at + n < source.size) {
      const got = source.read(buf.subarray(n), at + n)
      if (got === 0) break
      n += got
    }
    if (n === 0) return
    yield buf.subarray(0, n)
    if (n < buf.length) return
    at += n
  }
}
