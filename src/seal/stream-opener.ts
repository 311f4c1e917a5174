import { BridgeError, ErrorCode } from "../errors.js"
import type { Scalar } from "../tree/node.js"
import { aad, commentAad } from "../tree/path.js"
import { isEnvelope, parseEnvelope, ValueType } from "./envelope.js"
import type { SealMetadata } from "./metadata-types.js"
import { StreamKeyedWalk } from "./stream-keyed-walk.js"
import { openBytes, plaintextOf, scalarFromPlaintext } from "./value-cipher.js"

const utf8 = new TextDecoder()

/**
 * Opens values one at a time as a streaming reader meets them, with exactly unsealTree's
 * decisions, errors (in walk order) and MAC input; the caller checks the MAC at the end.
 */
export class StreamOpener extends StreamKeyedWalk {
  readonly #source: string

  constructor(dataKey: Uint8Array, metadata: SealMetadata, source: string) {
    super(dataKey, metadata.rule, metadata.macOnlyEncrypted)
    this.#source = source
  }

  /** @throws BridgeError DECRYPT naming the value's path */
  leaf(v: Scalar): Scalar {
    if (v.kind === "null") return v
    const where = aad(this.path)
    if (!this.policy.shouldSeal(this.path, this.levels, false)) {
      if (!this.macOnly) this.mac.add(plaintextOf(v).bytes)
      return v
    }
    const source = this.#source
    if (v.kind !== "string")
      throw new BridgeError(ErrorCode.Decrypt, `${source}: ${where} should be encrypted but is not a string`)
    if (v.value === "") return v
    const env = parseEnvelope(v.value)
    if (env === null)
      throw new BridgeError(ErrorCode.Decrypt, `${source}: ${where} is not a valid sealed value`)
    let bytes: Uint8Array
    try {
      bytes = openBytes(this.keyObject, env, where)
    } catch (err) {
      throw new BridgeError(
        ErrorCode.Decrypt,
        `${source}: ${where} cannot be decrypted (tampered, or moved from another key)`,
        { cause: err, hint: "restore the file from version control; never edit ENC[...] values by hand" },
      )
    }
    // A comment sops sealed as a list item opens into a comment, which the one-pass writers
    // cannot put in a scalar's place: the tree path takes the file.
    if (env.type === ValueType.Comment)
      throw new BridgeError(ErrorCode.Format, `${source}: ${where}: a sealed comment as a list item`)
    this.mac.add(bytes)
    return scalarFromPlaintext(bytes, env.type, `${source}: ${where}`)
  }

  comment(text: string): string {
    const level = this.currentLevel()
    const env = isEnvelope(text) ? parseEnvelope(text) : null
    let out = text
    if (env !== null) {
      try {
        out = utf8.decode(openBytes(this.dataKey, env, commentAad(this.path)))
      } catch {
        // sops keeps a comment it cannot open as it is (old files had clear comments).
      }
    }
    level?.push(out)
    return out
  }

  /**
   * A comment left as it is (not opened): it still counts for the comment rules, with its
   * sealed text, as unsealTree's `only` leaves it (--extract --ignore-mac outside the path).
   */
  keepComment(text: string): string {
    this.currentLevel()?.push(text)
    return text
  }

  /** The MAC over every value met, as sops stores it before sealing. */
  digestHex(): string {
    return this.mac.digestHex()
  }
}
