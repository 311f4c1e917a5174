import {
  BridgeError,
  ErrorCode,
  type DecodingStrategy,
  type RemoteRef,
  type SecretProvider,
} from "../src/index.js"
import { DeletionPolicy, type ExternalSecretSpec, type RemoteRefSpec, type RewriteRule } from "./api/types.js"

/**
 * Value shaping that lives with the providers (gjson `property`, `decodingStrategy`, `rewrite`);
 * injected so the reconcile logic does not depend on how they are written.
 */
export interface ValueOps {
  /** @throws BridgeError NOT_FOUND when the path selects nothing */
  property(value: Uint8Array, path: string, source: string): Uint8Array
  decode(value: Uint8Array, strategy: DecodingStrategy, source: string): Uint8Array
  rewrite(data: ReadonlyMap<string, Uint8Array>, rules: readonly RewriteRule[]): Map<string, Uint8Array>
}

export interface FetchResult {
  readonly data: Map<string, Uint8Array>
  /** Entries whose remote secret is gone (only with deletionPolicy Delete or Merge). */
  readonly missing: number
  readonly total: number
}

/**
 * Reads everything an ExternalSecret names: `dataFrom` in order (later wins), then `data`.
 * Several entries naming one remote secret cost one call (memo per reconcile).
 * @throws BridgeError NOT_FOUND (deletionPolicy Retain), PROVIDER, CONFIG
 */
export async function fetchAll(
  spec: ExternalSecretSpec,
  provider: SecretProvider,
  ops: ValueOps,
  signal: AbortSignal,
): Promise<FetchResult> {
  const memo = new Map<string, Promise<Uint8Array>>()
  const get = (ref: RemoteRef): Promise<Uint8Array> => {
    const id = `${ref.key}\u0000${ref.version ?? ""}`
    const known = memo.get(id)
    if (known !== undefined) return known
    const p = provider.get(stripProperty(ref), { signal })
    memo.set(id, p)
    return p
  }
  const tolerateMissing = spec.target.deletionPolicy !== DeletionPolicy.Retain
  const data = new Map<string, Uint8Array>()
  let missing = 0
  const total = spec.dataFrom.length + spec.data.length
  const attempt = async (run: () => Promise<void>): Promise<void> => {
    try {
      await run()
    } catch (err) {
      if (!(tolerateMissing && err instanceof BridgeError && err.code === ErrorCode.NotFound)) throw err
      missing++
    }
  }
  for (const [i, e] of spec.dataFrom.entries()) {
    await attempt(async () => {
      const src = `spec.dataFrom[${i}]`
      const raw =
        e.kind === "extract"
          ? await extract(provider, get, e.extract, ops, src, signal)
          : await provider.find(
              {
                ...(e.find.path === undefined ? {} : { path: e.find.path }),
                ...(e.find.name === undefined ? {} : { name: e.find.name }),
                ...(e.find.tags === undefined ? {} : { tags: e.find.tags }),
              },
              { signal },
            )
      const decoded = new Map<string, Uint8Array>()
      const strategy = e.kind === "extract" ? e.extract.decodingStrategy : e.find.decodingStrategy
      for (const [k, v] of raw) decoded.set(k, ops.decode(v, strategy, `${src}: ${k}`))
      for (const [k, v] of ops.rewrite(decoded, e.rewrite)) data.set(k, v)
    })
  }
  for (const [i, e] of spec.data.entries()) {
    await attempt(async () => {
      const src = `spec.data[${i}]`
      const r = e.remoteRef
      let v = await get(r)
      if (r.property !== undefined) v = ops.property(v, r.property, src)
      data.set(e.secretKey, ops.decode(v, r.decodingStrategy, src))
    })
  }
  return { data, missing, total }
}

function stripProperty(r: RemoteRefSpec | RemoteRef): RemoteRef {
  return { key: r.key, ...(r.version === undefined ? {} : { version: r.version }) }
}

/** `extract` with a `property`: the property must select a JSON object, whose keys are returned. */
async function extract(
  provider: SecretProvider,
  get: (r: RemoteRef) => Promise<Uint8Array>,
  r: RemoteRefSpec,
  ops: ValueOps,
  src: string,
  signal: AbortSignal,
): Promise<ReadonlyMap<string, Uint8Array>> {
  if (r.property === undefined) return provider.getMap(stripProperty(r), { signal })
  const selected = ops.property(await get(r), r.property, src)
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder().decode(selected))
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new BridgeError(ErrorCode.Config, `${src}.extract.property: does not select a JSON object`)
  const out = new Map<string, Uint8Array>()
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>))
    out.set(k, new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v)))
  return out
}
