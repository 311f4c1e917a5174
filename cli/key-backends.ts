import {
  backendsFor as registryBackends,
  openersFor as registryOpeners,
  type KeyBackend,
  type KeyOpener,
  type KeySpec,
} from "../src/index.js"
import type { CliIO } from "./io.js"
import { keyDeps } from "./key-deps.js"

/** Backends for the key groups of a creation rule (built by the key registry in src/keys). */
export function backendsFor(
  groups: readonly (readonly KeySpec[])[],
  io: CliIO,
  flags: { debug?: boolean } = {},
): KeyBackend[][] {
  return registryBackends(groups, keyDeps(io, flags))
}

/** One lazy opener per key kind; credentials load on first use only. */
export function openersFor(io: CliIO, flags: { debug?: boolean } = {}): KeyOpener[] {
  return registryOpeners(keyDeps(io, flags))
}
