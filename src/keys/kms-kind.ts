import { KmsBackend, KmsOpener, type KmsDeps } from "./aws-kms.js"
import type { KeyDeps } from "./deps.js"
import { lazyOpener, type KeyKind } from "./kind.js"
import type { KmsApi } from "./kms-api.js"

/**
 * AWS KMS. The SDK module loads on the first kms call only; one API (client cache) per deps,
 * shared by the encrypt and decrypt sides of a command.
 */
const apis = new WeakMap<KeyDeps, Promise<KmsApi>>()

function kmsDeps(deps: KeyDeps): KmsDeps {
  return {
    now: () => deps.now(),
    hostname: deps.hostname,
    api: () => {
      let api = apis.get(deps)
      if (api === undefined) {
        api = import("../clients/kms.js").then((m) => m.createKmsApi(deps.env, deps.debug))
        apis.set(deps, api)
      }
      return api
    },
  }
}

export const kmsKind: KeyKind<"kms"> = {
  backend: (spec, deps) => new KmsBackend(spec, kmsDeps(deps)),
  rewrap: (w, deps) => new KmsBackend(w, kmsDeps(deps)),
  opener: (deps) => lazyOpener("kms", () => Promise.resolve(new KmsOpener(kmsDeps(deps)))),
}
