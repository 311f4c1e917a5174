import { BridgeError, ErrorCode, NoKeyError } from "../errors.js"
import type { FormatName } from "../formats/format.js"
import { formats } from "../formats/registry.js"
import type { BackendKind, CallOptions, KeyBackend, KeyOpener, WrappedKey } from "../keys/backend.js"
import { metadataToTree } from "../seal/metadata.js"
import type { SealMetadata } from "../seal/metadata-types.js"
import { decryptDataKey } from "../seal/unwrap.js"
import { wrapDataKey } from "../seal/wrap.js"
import { loadSealed } from "./load-sealed.js"

export interface GroupsRequest {
  readonly input: Uint8Array
  readonly source: string
  readonly format: FormatName
  readonly openers: readonly KeyOpener[]
  readonly decryptionOrder?: readonly BackendKind[]
  /** Builds an encrypt-side backend for a key already in the file. @throws CONFIG when it cannot */
  readonly backendFor: (wrapped: WrappedKey) => KeyBackend
  /** `--shamir-secret-sharing-threshold`; 0 keeps the file's. */
  readonly threshold: number
  readonly randomBytes: (n: number) => Uint8Array
  readonly call?: CallOptions
}

/**
 * `groups add`: appends a key group and wraps the file's own data key again for every group
 * (split with Shamir once there are several). Values, MAC and lastmodified stay as they are.
 * sops 3.13 ignores wrap errors here and writes a file nobody can open (an empty group, a
 * threshold above the group count); sealbridge refuses those and writes nothing.
 * @throws DATA_KEY when no key opens the file (sops exit 1); KEY_WRAP for an empty group, with
 * sops' "Could not generate data key: [empty key group provided]"; USAGE for a bad threshold
 */
export async function addKeyGroup(req: GroupsRequest, group: readonly KeyBackend[]): Promise<Uint8Array> {
  return changeGroups(req, "add", (current) => [...current, [...group]])
}

/**
 * `groups delete INDEX`: drops one key group (0-based, as sops) and wraps the data key again
 * for the rest.
 * @throws GROUP_INDEX when there is no such group (sops 3.13 panics, exit 2); USAGE when the
 * Shamir threshold could no longer be met, with sops' message; DATA_KEY as addKeyGroup
 */
export async function deleteKeyGroup(req: GroupsRequest, index: number): Promise<Uint8Array> {
  return changeGroups(req, "delete", (current) => {
    if (index >= current.length) {
      throw new BridgeError(
        ErrorCode.GroupIndex,
        `${req.source}: key group ${index} does not exist (the file has ${current.length}, numbered from 0)`,
      )
    }
    if (current.length === 1) {
      throw new BridgeError(
        ErrorCode.Config,
        `${req.source}: removing key group ${index} would leave the file with no key group`,
        { hint: "add the new group first (groups add), then delete the old one" },
      )
    }
    return current.filter((_, i) => i !== index)
  })
}

async function changeGroups(
  req: GroupsRequest,
  op: "add" | "delete",
  next: (current: KeyBackend[][]) => KeyBackend[][],
): Promise<Uint8Array> {
  const format = formats[req.format]
  const { sealed, metadata } = loadSealed(
    format,
    req.input,
    req.source,
    "groups works on sealed files; seal it first with sealbridge encrypt",
  )
  // sops gets the data key before it looks at the new groups, so its errors come first.
  const dataKey = await openDataKey(metadata, req)
  try {
    const groups = next(metadata.keyGroups.map((g) => g.map(req.backendFor)))
    const threshold = checkedThreshold(req, metadata, groups.length, op)
    const keyGroups = await wrapDataKey(dataKey, groups, threshold, req.randomBytes, req.call)
    const out: SealMetadata = { ...metadata, keyGroups, shamirThreshold: threshold }
    return format.emitSealed(sealed.branches, metadataToTree(out))
  } finally {
    dataKey.fill(0)
  }
}

async function openDataKey(metadata: SealMetadata, req: GroupsRequest): Promise<Uint8Array> {
  try {
    return await decryptDataKey(metadata, req.openers, {
      source: req.source,
      ...req.call,
      ...(req.decryptionOrder === undefined ? {} : { decryptionOrder: req.decryptionOrder }),
    })
  } catch (err) {
    // sops' groups commands report "Error getting data key" with exit 1, not decrypt's 128.
    if (!(err instanceof NoKeyError)) throw err
    throw new BridgeError(ErrorCode.DataKey, `error getting data key: ${err.message}`, {
      cause: err,
      ...(err.hint === undefined ? {} : { hint: err.hint }),
    })
  }
}

/**
 * The threshold sops ends up with: the flag when given, else the file's; with several groups and
 * none set, all groups. sops' check after delete is kept word for word (tools match on it).
 */
function checkedThreshold(
  req: GroupsRequest,
  metadata: SealMetadata,
  groups: number,
  op: "add" | "delete",
): number {
  let t = req.threshold !== 0 ? req.threshold : metadata.shamirThreshold
  if (groups < t) {
    throw new BridgeError(
      ErrorCode.Usage,
      op === "delete"
        ? `removing this key group will make the Shamir threshold impossible to satisfy: Shamir threshold is ${t}, but we only have ${groups} key groups`
        : `${req.source}: shamir threshold ${t} is more than the ${groups} key groups the file would have`,
    )
  }
  if (groups > 1 && t === 0) t = groups
  if (groups > 1 && t < 2) {
    throw new BridgeError(
      ErrorCode.Usage,
      `shamir threshold ${t} is too small for ${groups} key groups: it must be at least 2`,
      { hint: "pass --shamir-secret-sharing-threshold N with 2 <= N <= the number of groups" },
    )
  }
  return t
}
