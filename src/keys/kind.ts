import type { KeySpec } from "../config/key-spec.js"
import type { KeyBackend, KeyOpener, WrappedKey } from "./backend.js"
import type { KeyDeps } from "./deps.js"

/** Everything sealbridge knows about one backend kind: encrypt side, re-wrap side, decrypt side. */
export interface KeyKind<K extends KeySpec["kind"] & WrappedKey["kind"]> {
  /** A backend for a key named in `.sops.yaml` or on the command line. @throws CONFIG when malformed */
  backend(spec: Extract<KeySpec, { kind: K }>, deps: KeyDeps): KeyBackend
  /** A backend for a key already in a file (rotate, updatekeys): same key, same settings. */
  rewrap(wrapped: Extract<WrappedKey, { kind: K }>, deps: KeyDeps): KeyBackend
  /** The decrypt side; cheap to build, loads credentials and clients on first use only. */
  opener(deps: KeyDeps): KeyOpener
}

/** An opener that builds its real self on first use (so a file without keys of this kind costs nothing). */
export function lazyOpener(kind: KeyOpener["kind"], load: () => Promise<KeyOpener>): KeyOpener {
  let loaded: Promise<KeyOpener> | undefined
  return {
    kind,
    unwrap: async (wrapped, opts) => {
      if (wrapped.kind !== kind) return null
      loaded ??= load()
      return (await loaded).unwrap(wrapped, opts)
    },
  }
}
