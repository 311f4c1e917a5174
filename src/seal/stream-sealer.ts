import type { Scalar } from "../tree/node.js"
import { aad, commentAad } from "../tree/path.js"
import { formatLastModified, reformatRfc3339 } from "../util/rfc3339.js"
import type { SelectionRule } from "./metadata-types.js"
import { StreamKeyedWalk } from "./stream-keyed-walk.js"
import { plaintextOf, sealBytes } from "./value-cipher.js"

/**
 * Seals values one at a time as a streaming reader meets them, with exactly sealTree's
 * decisions (policy over the path and the comment stack), IV order, MAC and envelopes.
 */
export class StreamSealer extends StreamKeyedWalk {
  readonly #randomBytes: (n: number) => Uint8Array
  /** Values and comments sealed so far. */
  sealed = 0

  constructor(
    dataKey: Uint8Array,
    rule: SelectionRule | null,
    macOnly: boolean,
    randomBytes: (n: number) => Uint8Array,
  ) {
    super(dataKey, rule, macOnly)
    this.#randomBytes = randomBytes
  }

  leaf(value: Scalar): Scalar {
    if (value.kind === "null") return value
    const seal = this.policy.shouldSeal(this.path, this.levels, false)
    const { bytes, type } = plaintextOf(value)
    if (!this.macOnly || seal) this.mac.add(bytes)
    if (!seal || (bytes.length === 0 && (value.kind === "string" || value.kind === "bytes"))) return value
    this.sealed++
    const text = sealBytes(this.keyObject, bytes, type, aad(this.path), this.#randomBytes(32))
    return { kind: "string", value: text }
  }

  comment(text: string): string {
    const level = this.currentLevel()
    level?.push(text)
    if (text === "" || !this.policy.shouldSeal(this.path, this.levels, true)) return text
    this.sealed++
    const bytes = Buffer.from(text)
    return sealBytes(this.dataKey, bytes, "comment", commentAad(this.path), this.#randomBytes(32))
  }

  /** `lastmodified` and the sealed MAC, drawn after every value's IV as sealTree draws them. */
  finish(now: Date): { lastModified: string; mac: string } {
    const lastModified = formatLastModified(now)
    const mac = sealBytes(
      this.dataKey,
      Buffer.from(this.mac.digestHex()),
      "str",
      reformatRfc3339(lastModified) ?? lastModified,
      this.#randomBytes(32),
    )
    return { lastModified, mac }
  }
}
