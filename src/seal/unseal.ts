import { createSecretKey } from "node:crypto"
import { BridgeError, ErrorCode } from "../errors.js"
import type { KeyOpener } from "../keys/backend.js"
import { comment, type Branch, type CommentItem, type ScalarNode } from "../tree/node.js"
import { aad, commentAad } from "../tree/path.js"
import { mapTree } from "../tree/walk.js"
import { reformatRfc3339 } from "../util/rfc3339.js"
import { isEnvelope, parseEnvelope, ValueType } from "./envelope.js"
import { stashKey, type IvStash } from "./iv-stash.js"
import { MacBuilder } from "./mac.js"
import type { SealMetadata } from "./metadata-types.js"
import { policyFor } from "./policy.js"
import { decryptDataKey, type UnwrapOptions } from "./unwrap.js"
import { openBytes, plaintextOf, scalarFromPlaintext } from "./value-cipher.js"

export { decryptDataKey } from "./unwrap.js"

export interface UnsealOptions extends UnwrapOptions {
  readonly ignoreMac?: boolean
  /** false: skip the IV stash (only a re-seal uses it; decrypt and exec-env do not). */
  readonly keepIvs?: boolean
  /**
   * Open only these leaves and comments (by identity); the rest stay sealed. Only with
   * `ignoreMac`: the MAC is over every value's plaintext, so checking it means opening them all.
   */
  readonly only?: ReadonlySet<object>
}

const utf8 = new TextDecoder()

/**
 * Opens every sealed value and verifies the MAC before returning anything.
 * @throws NoKeyError (NO_KEY), BridgeError DECRYPT naming the value's path, MAC_MISMATCH
 */
export async function unsealTree(
  branches: readonly Branch[],
  metadata: SealMetadata,
  openers: readonly KeyOpener[],
  opts: UnsealOptions = {},
): Promise<{ branches: Branch[]; dataKey: Uint8Array; stash: IvStash }> {
  const dataKey = await decryptDataKey(metadata, openers, opts)
  try {
    const source = opts.source ?? "file"
    const policy = policyFor(metadata.rule)
    const mac = new MacBuilder(metadata.macOnlyEncrypted)
    const stash: IvStash = new Map()
    const keepIvs = opts.keepIvs !== false
    const keyObject = createSecretKey(dataKey)
    const only = opts.ignoreMac === true ? opts.only : undefined
    const opened = branches.map(
      (branch) =>
        mapTree(branch, {
          leaf(node, path, comments, inList): ScalarNode | CommentItem {
            if (only !== undefined && !only.has(node)) return node
            const v = node.value
            if (v.kind === "null") return node
            const where = aad(path)
            if (!policy.shouldSeal(path, comments, false)) {
              if (!metadata.macOnlyEncrypted) mac.add(plaintextOf(v).bytes)
              return node
            }
            if (v.kind !== "string")
              throw new BridgeError(
                ErrorCode.Decrypt,
                `${source}: ${where} should be encrypted but is not a string`,
              )
            if (v.value === "") return node
            const env = parseEnvelope(v.value)
            if (env === null)
              throw new BridgeError(ErrorCode.Decrypt, `${source}: ${where} is not a valid sealed value`)
            let bytes: Uint8Array
            try {
              bytes = openBytes(keyObject, env, where)
            } catch (err) {
              throw new BridgeError(
                ErrorCode.Decrypt,
                `${source}: ${where} cannot be decrypted (tampered, or moved from another key)`,
                {
                  cause: err,
                  hint: "restore the file from version control; never edit ENC[...] values by hand",
                },
              )
            }
            if (keepIvs) stash.set(stashKey(where, env.type, bytes), env.iv)
            if (env.type === ValueType.Comment) return listComment(bytes, inList, `${source}: ${where}`)
            mac.add(bytes)
            return { kind: "scalar", value: scalarFromPlaintext(bytes, env.type, `${source}: ${where}`) }
          },
          comment(item, path) {
            if (only !== undefined && !only.has(item)) return { item, text: item.text }
            const env = isEnvelope(item.text) ? parseEnvelope(item.text) : null
            if (env === null) return { item, text: item.text }
            try {
              const bytes = openBytes(dataKey, env, commentAad(path))
              const text = utf8.decode(bytes)
              if (keepIvs) stash.set(stashKey(commentAad(path), "comment", bytes), env.iv)
              // An opened comment is no longer a line comment: sops writes it above its entry
              // (decrypt, set, rotate), while one it leaves as it is stays on its line.
              return { item: comment(text), text }
            } catch {
              // sops keeps a comment it cannot open as it is (old files had clear comments).
              return { item, text: item.text }
            }
          },
        }) as Branch,
    )
    if (opts.ignoreMac !== true) verifyMac(metadata, dataKey, mac.digestHex(), source)
    return { branches: opened, dataKey, stash }
  } catch (err) {
    dataKey.fill(0)
    throw err
  }
}

/**
 * A list item sealed with type `comment`: sops (3.13.3, and up to 3.13.1) seals a comment inside
 * a list as an item and opens it back into a comment, left out of the MAC as every comment is.
 * Elsewhere sops would write the opened comment as a Go struct: refused.
 * @throws BridgeError DECRYPT naming `where` outside a list
 */
function listComment(bytes: Uint8Array, inList: boolean, where: string): CommentItem {
  if (!inList) throw new BridgeError(ErrorCode.Decrypt, `${where}: a sealed comment in place of a value`)
  return comment(utf8.decode(bytes))
}

/** @throws BridgeError MAC_MISMATCH unless the stored MAC opens to `computed` */
export function verifyMac(
  metadata: SealMetadata,
  dataKey: Uint8Array,
  computed: string,
  source: string,
): void {
  const hint =
    "the file was changed outside sops/sealbridge; restore it, or pass --ignore-mac if you trust it"
  const env = metadata.mac === "" ? null : parseEnvelope(metadata.mac)
  const stamp = reformatRfc3339(metadata.lastModified)
  if (env === null || stamp === null) {
    throw new BridgeError(ErrorCode.MacMismatch, `${source}: the MAC is missing or malformed`, { hint })
  }
  let stored: string
  try {
    stored = utf8.decode(openBytes(dataKey, env, stamp))
  } catch (err) {
    throw new BridgeError(ErrorCode.MacMismatch, `${source}: cannot decrypt MAC`, { cause: err, hint })
  }
  if (stored !== computed) throw new BridgeError(ErrorCode.MacMismatch, `${source}: MAC mismatch`, { hint })
}
