import { createSecretKey } from "node:crypto"
import type { CallOptions, KeyBackend, WrappedKey } from "../keys/backend.js"
import { comment, str, type Branch } from "../tree/node.js"
import { aad, commentAad } from "../tree/path.js"
import { mapTree } from "../tree/walk.js"
import { formatLastModified, reformatRfc3339 } from "../util/rfc3339.js"
import { stashKey, type IvStash } from "./iv-stash.js"
import { MacBuilder } from "./mac.js"
import {
  DEFAULT_UNENCRYPTED_SUFFIX,
  RuleKind,
  SOPS_VERSION,
  type SealMetadata,
  type SelectionRule,
} from "./metadata-types.js"
import { policyFor } from "./policy.js"
import { plaintextOf, sealBytes } from "./value-cipher.js"
import { wrapDataKey } from "./wrap.js"

export interface SealDeps {
  now(): Date
  randomBytes(n: number): Uint8Array
}

export interface SealOptions {
  readonly keyGroups: readonly (readonly KeyBackend[])[]
  /** 0 or absent: all groups needed when there are several. */
  readonly shamirThreshold?: number
  /** null: sops' default `unencrypted_suffix: _unencrypted`. */
  readonly rule: SelectionRule | null
  /** false for binary files, which store no rule. */
  readonly storeRule?: boolean
  readonly macOnlyEncrypted?: boolean
  /** Signal and per-key timeout for wrapping the data key. */
  readonly call?: CallOptions
  /** Re-seal after an edit: same data key and wrapped keys; unchanged values keep their IV. */
  readonly reuse?: {
    readonly dataKey: Uint8Array
    readonly keyGroups: readonly (readonly WrappedKey[])[]
    readonly stash: IvStash
  }
}

const utf8 = new TextEncoder()

/**
 * Seals every selected value of `branches` under one data key (spec §2–§5): AES-256-GCM with a
 * 32-byte IV and the value's path as AAD, then the MAC over the cleartext, sealed with
 * `lastmodified` as AAD, then the data key wrapped for every master key (Shamir across groups).
 * Randomness is drawn in a fixed order — data key, value IVs in walk order, MAC IV — so fixed
 * inputs give fixed output (the spec's worked examples are tests).
 */
export async function sealTree(
  branches: readonly Branch[],
  opts: SealOptions,
  deps: SealDeps,
): Promise<{ branches: Branch[]; metadata: SealMetadata }> {
  const dataKey = opts.reuse?.dataKey ?? deps.randomBytes(32)
  try {
    const macOnly = opts.macOnlyEncrypted === true
    const policy = policyFor(opts.rule)
    const mac = new MacBuilder(macOnly)
    const stash = opts.reuse?.stash
    // One KeyObject for every value: createCipheriv then skips checking and copying raw key bytes.
    const keyObject = createSecretKey(dataKey)
    // The stash key (a base64 of the plaintext) is built only when re-sealing with a stash.
    const ivFor = (where: string, type: string, bytes: Uint8Array): Uint8Array =>
      (stash === undefined ? undefined : stash.get(stashKey(where, type, bytes))) ?? deps.randomBytes(32)
    const sealed = branches.map(
      (branch) =>
        mapTree(branch, {
          leaf(node, path, comments) {
            if (node.value.kind === "null") return node
            const seal = policy.shouldSeal(path, comments, false)
            const { bytes, type } = plaintextOf(node.value)
            if (!macOnly || seal) mac.add(bytes)
            if (
              !seal ||
              (bytes.length === 0 && (node.value.kind === "string" || node.value.kind === "bytes"))
            )
              return node
            const where = aad(path)
            return str(sealBytes(keyObject, bytes, type, where, ivFor(where, type, bytes)))
          },
          comment(item, path, comments, inList) {
            if (item.text === "" || !policy.shouldSeal(path, comments, true)) return { item, text: item.text }
            const where = commentAad(path)
            const bytes = utf8.encode(item.text)
            const text = sealBytes(dataKey, bytes, "comment", where, ivFor(where, "comment", bytes))
            // sops seals a comment inside a list as an item (`- ENC[…,type:comment]`), which it
            // opens back into a comment; elsewhere the sealed text stays a comment.
            return { item: inList ? str(text) : comment(text, item.inline), text: item.text }
          },
        }) as Branch,
    )
    const lastModified = formatLastModified(deps.now())
    const macText = sealBytes(
      dataKey,
      utf8.encode(mac.digestHex()),
      "str",
      reformatRfc3339(lastModified) ?? lastModified,
      deps.randomBytes(32),
    )
    const shamirThreshold = opts.shamirThreshold ?? 0
    const keyGroups =
      opts.reuse?.keyGroups ??
      (await wrapDataKey(dataKey, opts.keyGroups, shamirThreshold, (n) => deps.randomBytes(n), opts.call))
    const rule =
      opts.storeRule === false
        ? null
        : (opts.rule ?? { kind: RuleKind.UnencryptedSuffix, value: DEFAULT_UNENCRYPTED_SUFFIX })
    return {
      branches: sealed,
      metadata: {
        keyGroups,
        shamirThreshold,
        lastModified,
        mac: macText,
        rule,
        macOnlyEncrypted: macOnly,
        version: SOPS_VERSION,
      },
    }
  } finally {
    if (opts.reuse === undefined) dataKey.fill(0)
  }
}
