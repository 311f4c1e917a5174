import type { CallOptions } from "../../keys/backend.js"
import { BridgeError, ErrorCode } from "../../errors.js"
import { findMatcher } from "../find-match.js"
import { extractProperty } from "../property.js"
import type { FindQuery, RemoteRef, SecretProvider, VaultStoreConfig } from "../provider.js"
import { jsonToSecretMap } from "../secret-map.js"
import type { VaultSession } from "./session.js"
import { encodePath, type VaultApi, type VaultRequest } from "./vault-api.js"

/** Upper bound on names a `find` walks, so a huge mount cannot stall a reconcile. */
const FIND_LIMIT = 10_000

/**
 * Vault KV (v2 or v1) behind the provider port, as ESO reads it: `get` returns the secret's
 * whole data map as JSON (callers apply `property`), v2 honours `version`, `find` LISTs
 * recursively under `path` and filters names (RE2) and, on v2, `custom_metadata` tags.
 */
export class VaultKvProvider implements SecretProvider {
  readonly name = "vault"
  readonly #api: VaultApi
  readonly #session: VaultSession
  readonly #mount: string
  readonly #v2: boolean

  constructor(config: Pick<VaultStoreConfig, "path" | "version">, api: VaultApi, session: VaultSession) {
    this.#api = api
    this.#session = session
    this.#mount = encodePath(config.path)
    this.#v2 = config.version !== "v1"
  }

  async get(ref: RemoteRef, opts?: CallOptions): Promise<Uint8Array> {
    return new TextEncoder().encode(JSON.stringify(await this.#read(ref.key, ref.version, opts)))
  }

  async getMap(ref: RemoteRef, opts?: CallOptions): Promise<ReadonlyMap<string, Uint8Array>> {
    const bytes = await this.get(ref, opts)
    const doc =
      ref.property === undefined
        ? bytes
        : new TextEncoder().encode(extractProperty(bytes, ref.property, ref.key))
    return jsonToSecretMap(doc, ref.key)
  }

  async find(query: FindQuery, opts?: CallOptions): Promise<ReadonlyMap<string, Uint8Array>> {
    const tags = Object.entries(query.tags ?? {})
    if (tags.length > 0 && !this.#v2)
      throw new BridgeError(ErrorCode.Config, "find.tags needs KV version v2 (custom_metadata)")
    const match = findMatcher({ ...query, tags: {} })
    const out = new Map<string, Uint8Array>()
    for (const name of await this.#walk(query.path ?? "", opts)) {
      if (!match.matches(name)) continue
      if (tags.length > 0) {
        const meta = await this.#call(
          { method: "GET", path: `${this.#mount}/metadata/${encodePath(name)}` },
          opts,
        )
        const custom =
          (meta.data as { custom_metadata?: Record<string, string> | null } | undefined)?.custom_metadata ??
          {}
        if (!tags.every(([k, v]) => custom[k] === v)) continue
      }
      out.set(name, await this.get({ key: name }, opts))
    }
    return out
  }

  async validate(opts?: CallOptions): Promise<void> {
    await this.#call({ method: "GET", path: "auth/token/lookup-self" }, opts)
  }

  async close(): Promise<void> {
    await this.#session.close()
    this.#api.close()
  }

  async #read(
    key: string,
    version: string | undefined,
    opts?: CallOptions,
  ): Promise<Record<string, unknown>> {
    const path = encodePath(key)
    const query =
      this.#v2 && version !== undefined && version !== "" ? `?version=${encodeURIComponent(version)}` : ""
    const res = await this.#call(
      { method: "GET", path: this.#v2 ? `${this.#mount}/data/${path}${query}` : `${this.#mount}/${path}` },
      opts,
      key,
    )
    const data = this.#v2 ? (res.data as { data?: unknown } | undefined)?.data : res.data
    if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data))
      throw new BridgeError(ErrorCode.NotFound, `secret ${key} not found (deleted or destroyed version)`)
    return data as Record<string, unknown>
  }

  /** Depth-first LIST under `path` (v2: the metadata tree); folder entries end in "/". */
  async #walk(path: string, opts?: CallOptions): Promise<string[]> {
    const names: string[] = []
    const stack = [path.replace(/^\/+/, "")]
    while (stack.length > 0 && names.length < FIND_LIMIT) {
      const dir = stack.pop() ?? ""
      const base = this.#v2 ? `${this.#mount}/metadata` : this.#mount
      let keys: string[]
      try {
        const res = await this.#call({ method: "LIST", path: `${base}/${encodePath(dir)}` }, opts)
        keys = (res.data as { keys?: string[] } | undefined)?.keys ?? []
      } catch (err) {
        if (err instanceof BridgeError && err.code === ErrorCode.NotFound) continue
        throw err
      }
      const prefix = dir === "" || dir.endsWith("/") ? dir : `${dir}/`
      for (const k of [...keys].sort().reverse()) {
        if (k.endsWith("/")) stack.push(prefix + k)
        else names.push(prefix + k)
      }
    }
    return names.sort()
  }

  #call(req: VaultRequest, opts?: CallOptions, key?: string) {
    return this.#session
      .withToken((token) => this.#api.request({ ...req, token }, opts), opts)
      .catch((err: unknown) => {
        if (key !== undefined && err instanceof BridgeError && err.code === ErrorCode.NotFound)
          throw new BridgeError(ErrorCode.NotFound, `secret ${key} not found at ${this.#mount}`, {
            cause: err,
          })
        throw err
      })
  }
}
