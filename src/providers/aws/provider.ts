import type { CallOptions } from "../../keys/backend.js"
import { BridgeError, ErrorCode } from "../../errors.js"
import { findMatcher } from "../find-match.js"
import { extractProperty } from "../property.js"
import type { AwsStoreConfig, FindQuery, RemoteRef, SecretProvider } from "../provider.js"
import { jsonToSecretMap } from "../secret-map.js"
import type { SecretsManagerApi, SmValue, SmVersion } from "./sm-api.js"

/** BatchGetSecretValue takes at most 20 ids per call. */
const BATCH = 20

/**
 * AWS Secrets Manager behind the provider port, with ESO's semantics: `prefix` is prepended to
 * every key, `version` is a stage (default AWSCURRENT) or `uuid/<VersionId>`, a string secret
 * returns SecretString and a binary one SecretBinary. `find` lists names (paginated, server-side
 * name/tag-key filters, exact filtering here) and fetches the matches with BatchGetSecretValue.
 */
export class AwsSecretsManagerProvider implements SecretProvider {
  readonly name = "aws"
  readonly #api: SecretsManagerApi
  readonly #prefix: string

  constructor(config: Pick<AwsStoreConfig, "prefix">, api: SecretsManagerApi) {
    this.#api = api
    this.#prefix = config.prefix ?? ""
  }

  async get(ref: RemoteRef, opts?: CallOptions): Promise<Uint8Array> {
    const value = await this.#api.getSecretValue(this.#prefix + ref.key, smVersion(ref.version), opts)
    return valueBytes(value, ref.key)
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
    const names = await this.#matchingNames(query, opts)
    const out = new Map<string, Uint8Array>()
    for (let i = 0; i < names.length; i += BATCH) {
      const values = await this.#api.batchGetSecretValue(names.slice(i, i + BATCH), opts)
      for (const v of values) out.set(v.name.slice(this.#prefix.length), valueBytes(v, v.name))
    }
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }

  async validate(opts?: CallOptions): Promise<void> {
    await this.#api.whoAmI(opts)
  }

  close(): Promise<void> {
    this.#api.close()
    return Promise.resolve()
  }

  async #matchingNames(query: FindQuery, opts?: CallOptions): Promise<string[]> {
    const match = findMatcher(query)
    const tagKeys = Object.keys(query.tags ?? {})
    const filter = {
      namePrefix: this.#prefix + (query.path ?? ""),
      ...(tagKeys.length > 0 ? { tagKeys } : {}),
    }
    const names: string[] = []
    let next: string | undefined
    do {
      const page = await this.#api.listSecrets(filter, next, opts)
      for (const s of page.secrets) {
        if (!s.name.startsWith(this.#prefix)) continue
        if (match.matches(s.name.slice(this.#prefix.length), s.tags)) names.push(s.name)
      }
      next = page.next
    } while (next !== undefined)
    return names
  }
}

export function smVersion(version: string | undefined): SmVersion {
  if (version?.startsWith("uuid/") === true) return { versionId: version.slice("uuid/".length) }
  return { stage: version === undefined || version === "" ? "AWSCURRENT" : version }
}

function valueBytes(value: SmValue, key: string): Uint8Array {
  if (value.string !== undefined) return new TextEncoder().encode(value.string)
  if (value.binary !== undefined) return value.binary
  throw new BridgeError(ErrorCode.Provider, `secret ${key} has neither SecretString nor SecretBinary`)
}
