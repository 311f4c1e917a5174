import { createHmac } from "node:crypto"
import { API_VERSION, DATA_HASH_ANNOTATION, DATA_KEYS_ANNOTATION, MANAGED_LABEL } from "./api/constants.js"
import type { OwnerReference, SecretApply, SecretObject } from "./kube/port.js"

/** Data keyed by Secret key, values base64 as on the wire. */
export type WireData = Readonly<Record<string, string>>

export function toWire(data: ReadonlyMap<string, Uint8Array>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of [...data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    out[k] = Buffer.from(v).toString("base64")
  return out
}

/**
 * HMAC-SHA256 over the named keys' values. Keyed with the controller's key, so someone who edits
 * a value cannot also write a matching hash; the keys list is part of the input.
 */
export function dataHash(hmacKey: Uint8Array, keys: readonly string[], data: WireData): string {
  const mac = createHmac("sha256", hmacKey)
  for (const k of [...keys].sort()) {
    const v = data[k]
    // Length-prefixed so ("ab","c") and ("a","bc") differ; a missing key differs from an empty one.
    mac.update(`${k.length}:${k}=${v === undefined ? "-" : `${v.length}:${v}`};`)
  }
  return `v1:${mac.digest("hex")}`
}

export interface DesiredInput {
  readonly name: string
  readonly namespace: string
  readonly type?: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly owner?: { readonly kind: string; readonly name: string; readonly uid: string }
  readonly data: WireData
  readonly immutable: boolean
}

/** The Secret the controller applies: its data plus the managed label, the key list and the hash. */
export function desiredSecret(input: DesiredInput, hmacKey: Uint8Array): SecretApply {
  const keys = Object.keys(input.data).sort()
  const ownerReferences: OwnerReference[] =
    input.owner === undefined
      ? []
      : [{ apiVersion: API_VERSION, ...input.owner, controller: true, blockOwnerDeletion: true }]
  return {
    name: input.name,
    namespace: input.namespace,
    ...(input.type === undefined ? {} : { type: input.type }),
    labels: { ...input.labels, [MANAGED_LABEL]: "true" },
    annotations: {
      ...input.annotations,
      [DATA_KEYS_ANNOTATION]: keys.join(","),
      [DATA_HASH_ANNOTATION]: dataHash(hmacKey, keys, input.data),
    },
    ownerReferences,
    data: input.data,
    ...(input.immutable ? { immutable: true } : {}),
  }
}

/**
 * Whether the live Secret still holds what the controller wrote: managed label present and the
 * keyed hash of the listed keys matches. Needs no provider call.
 */
export function liveMatchesHash(live: SecretObject | null, hmacKey: Uint8Array): boolean {
  if (live === null) return false
  const a = live.metadata.annotations ?? {}
  const hash = a[DATA_HASH_ANNOTATION]
  const keysText = a[DATA_KEYS_ANNOTATION]
  if (live.metadata.labels?.[MANAGED_LABEL] !== "true" || hash === undefined || keysText === undefined)
    return false
  const keys = keysText === "" ? [] : keysText.split(",")
  return dataHash(hmacKey, keys, live.data ?? {}) === hash
}

/** Whether the live Secret already equals what would be applied (no write needed). */
export function liveEquals(live: SecretObject | null, want: SecretApply): boolean {
  if (live === null) return false
  const m = live.metadata
  if (m.annotations?.[DATA_HASH_ANNOTATION] !== want.annotations[DATA_HASH_ANNOTATION]) return false
  if (!liveMatchesSubset(m.labels, want.labels) || !liveMatchesSubset(m.annotations, want.annotations))
    return false
  if (want.type !== undefined && (live.type ?? "Opaque") !== want.type) return false
  if (want.immutable === true && live.immutable !== true) return false
  // Ours = references into our API group; a switch to Orphan must drop them.
  const ours = (m.ownerReferences ?? []).filter((r) => r.apiVersion === API_VERSION)
  return (
    ours.length === want.ownerReferences.length &&
    want.ownerReferences.every((w) => ours.some((r) => r.uid === w.uid && r.controller === true))
  )
}

function liveMatchesSubset(
  live: Readonly<Record<string, string>> | undefined,
  want: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(want).every(([k, v]) => live?.[k] === v)
}
