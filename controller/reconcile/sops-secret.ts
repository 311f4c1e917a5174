import { BridgeError, decryptDocument, ErrorCode } from "../../src/index.js"
import { Kind, Reason } from "../api/constants.js"
import { parseSopsSecretSpec } from "../api/parse-sops-secret.js"
import { desiredSecret, liveEquals, liveMatchesHash, toWire } from "../render.js"
import type { ControllerDeps, ObjectKey, ReconcileResult } from "./deps.js"
import { ownedByOther } from "./target.js"
import { writeStatus, statusMessage } from "./status.js"

/**
 * A SopsSecret's sealed file, opened in-cluster with the controller's keys, becomes an owned
 * Secret. The MAC is checked before any value is used, so a tampered file changes nothing.
 */
export async function reconcileSopsSecret(
  deps: ControllerDeps,
  key: ObjectKey,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const ns = key.namespace ?? ""
  const obj = await deps.kube.getObject(Kind.SopsSecret, ns, key.name)
  if (obj === null || obj.metadata.deletionTimestamp !== undefined) return {}
  const generation = String(obj.metadata.generation ?? 0)
  let spec
  try {
    spec = parseSopsSecretSpec(obj.spec, obj.metadata.name)
  } catch (err) {
    await writeStatus(
      deps,
      Kind.SopsSecret,
      obj,
      { ready: false, reason: Reason.InvalidSpec, message: statusMessage(err) },
      {},
    )
    return {}
  }
  const binding = { binding: { name: spec.target.name } }
  const live = await deps.kube.getSecret(ns, spec.target.name)
  if (ownedByOther(live, obj.metadata.uid)) {
    const message = `Secret ${spec.target.name} is controlled by another object`
    await writeStatus(
      deps,
      Kind.SopsSecret,
      obj,
      { ready: false, reason: Reason.TargetOwnedByOther, message },
      binding,
    )
    return {}
  }
  // Same generation already synced and the Secret unchanged: nothing to decrypt.
  if (obj.status?.syncedResourceVersion === generation && liveMatchesHash(live, deps.hmacKey)) return {}
  let data: Map<string, Uint8Array>
  try {
    data = await open(deps, spec.sealed, spec.format, `${ns}/${key.name}`, signal)
  } catch (err) {
    const code = err instanceof BridgeError ? err.code : ErrorCode.Internal
    const missingKey = code === ErrorCode.NoKey || code === ErrorCode.KeyBackend
    const reason = missingKey
      ? Reason.DecryptKeyMissing
      : code === ErrorCode.Internal
        ? Reason.SecretSyncedError
        : Reason.DecryptFailed
    await writeStatus(
      deps,
      Kind.SopsSecret,
      obj,
      { ready: false, reason, message: statusMessage(err) },
      binding,
    )
    return missingKey || reason === Reason.SecretSyncedError ? { retry: true } : {}
  }
  const want = desiredSecret(
    {
      name: spec.target.name,
      namespace: ns,
      type: spec.target.type ?? "Opaque",
      labels: spec.target.labels,
      annotations: spec.target.annotations,
      owner: { kind: Kind.SopsSecret, name: obj.metadata.name, uid: obj.metadata.uid },
      data: toWire(data),
      immutable: false,
    },
    deps.hmacKey,
  )
  if (!(liveMatchesHash(live, deps.hmacKey) && liveEquals(live, want))) await deps.kube.applySecret(want)
  const done = { ...binding, refreshTime: deps.now().toISOString(), syncedResourceVersion: generation }
  await writeStatus(
    deps,
    Kind.SopsSecret,
    obj,
    { ready: true, reason: Reason.SecretSynced, message: "sealed file decrypted" },
    done,
  )
  return {}
}

/** Decrypts to JSON and turns top-level entries into Secret keys (non-strings as JSON text). */
async function open(
  deps: ControllerDeps,
  sealed: string,
  format: "yaml" | "json",
  source: string,
  _signal: AbortSignal,
): Promise<Map<string, Uint8Array>> {
  const plain = await decryptDocument({
    input: new TextEncoder().encode(sealed),
    source: `SopsSecret ${source}`,
    inputFormat: format,
    outputFormat: "json",
    openers: deps.openers,
    ignoreMac: false,
  })
  const parsed: unknown = JSON.parse(new TextDecoder().decode(plain))
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new BridgeError(ErrorCode.Config, `SopsSecret ${source}: the sealed file must be a map`)
  const out = new Map<string, Uint8Array>()
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>))
    out.set(k, new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v)))
  plain.fill(0)
  return out
}
