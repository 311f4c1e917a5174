import { KmsBackend, KmsOpener, type KmsDeps } from "./aws-kms.js"
import type { KeyDeps } from "./deps.js"
import { lazyOpener, type KeyKind } from "./kind.js"
import type { KmsApi } from "./kms-api.js"

/** Makes the KMS API (its client cache) for one command's environment. */
export type KmsApiFactory = (env: KeyDeps["env"], debug: boolean) => KmsApi

/**
 * AWS KMS with the API `load` gives (a stand-in in tests). The API is loaded on the first kms
 * call only; one API (client cache) per deps, shared by the encrypt and decrypt sides of a command.
 */
export function kmsKindWith(load: () => Promise<KmsApiFactory>): KeyKind<"kms"> {
  const apis = new WeakMap<KeyDeps, Promise<KmsApi>>()
  const kmsDeps = (deps: KeyDeps): KmsDeps => ({
    now: () => deps.now(),
    hostname: deps.hostname,
    api: () => {
      let api = apis.get(deps)
      if (api === undefined) {
        api = load().then((create) => create(deps.env, deps.debug))
        apis.set(deps, api)
      }
      return api
    },
  })
  return {
    backend: (spec, deps) => new KmsBackend(spec, kmsDeps(deps)),
    rewrap: (w, deps) => new KmsBackend(w, kmsDeps(deps)),
    opener: (deps) => lazyOpener("kms", () => Promise.resolve(new KmsOpener(kmsDeps(deps)))),
  }
}

/** The SDK module loads on the first kms call only. */
export const kmsKind: KeyKind<"kms"> = kmsKindWith(() =>
  import("../clients/kms.js").then((m) => m.createKmsApi),
)
