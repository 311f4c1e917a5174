import type { KeySpec } from "../config/key-spec.js"
import { keySpecId } from "../config/key-spec.js"
import { BridgeError, ErrorCode } from "../errors.js"
import { ageKind } from "./age-kind.js"
import { kmsKind } from "./kms-kind.js"
import { pgpKind } from "./pgp-kind.js"
import { vaultKind } from "./vault-kind.js"
import {
  wrappedKeyId,
  type BackendKind,
  type KeyBackend,
  type KeyOpener,
  type WrappedKey,
} from "./backend.js"
import type { KeyDeps } from "./deps.js"
import type { KeyKind } from "./kind.js"

/**
 * The one table of key kinds sealbridge can use, keyed by the kind's name in sops metadata.
 * The CLI and the controller build every backend and opener through it.
 */
export const keyKinds = {
  age: ageKind,
  kms: kmsKind,
  hc_vault: vaultKind,
  pgp: pgpKind,
} as const satisfies { [K in SupportedKind]?: KeyKind<K> }

type SupportedKind = KeySpec["kind"] & WrappedKey["kind"]
type RegisteredKind = keyof typeof keyKinds

const isRegistered = <T extends { kind: string }>(x: T): x is Extract<T, { kind: RegisteredKind }> =>
  Object.hasOwn(keyKinds, x.kind)

/** Backends for the key groups of a creation rule. @throws CONFIG for a kind sealbridge cannot use */
export function backendsFor(groups: readonly (readonly KeySpec[])[], deps: KeyDeps): KeyBackend[][] {
  return groups.map((group) => group.map((spec) => backendFor(spec, deps)))
}

export function backendFor(spec: KeySpec, deps: KeyDeps): KeyBackend {
  if (!isRegistered(spec)) throw unsupported(spec.kind, keySpecId(spec))
  // The table pairs each kind with its own entry; the compiler cannot follow that through a union.
  const kind = keyKinds[spec.kind] as unknown as KeyKind<RegisteredKind>
  return kind.backend(spec, deps)
}

/** A backend that wraps a new data key for a key already in a file. @throws CONFIG as backendFor */
export function backendForWrapped(wrapped: WrappedKey, deps: KeyDeps): KeyBackend {
  if (!isRegistered(wrapped)) throw unsupported(wrapped.kind, wrappedKeyId(wrapped))
  const kind = keyKinds[wrapped.kind] as unknown as KeyKind<RegisteredKind>
  return kind.rewrap(wrapped, deps)
}

/** One lazy opener per registered kind. */
export function openersFor(deps: KeyDeps): KeyOpener[] {
  return Object.values(keyKinds).map((kind) => kind.opener(deps))
}

/** Kinds a decrypt can open, for messages. */
export const openableKinds = (): BackendKind[] => Object.keys(keyKinds) as BackendKind[]

function unsupported(kind: string, id: string): BridgeError {
  return new BridgeError(ErrorCode.Config, `${kind} key ${id}: this key type is not supported`, {
    hint: `sealbridge seals with ${Object.keys(keyKinds).join(", ")} keys`,
  })
}
