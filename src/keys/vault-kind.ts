import type { KeyDeps } from "./deps.js"
import { lazyOpener, type KeyKind } from "./kind.js"
import type { TransitApi } from "./vault-api.js"
import { TransitBackend, TransitOpener, type TransitDeps } from "./vault-transit.js"
import { parseVaultUri } from "./vault-uri.js"

/** Vault transit (`hc_vault`). node-vault loads on the first transit call only. */
const apis = new WeakMap<KeyDeps, Promise<TransitApi>>()

function transitDeps(deps: KeyDeps): TransitDeps {
  return {
    now: () => deps.now(),
    namespace: deps.env["VAULT_NAMESPACE"],
    token: async () => {
      const env = deps.env["VAULT_TOKEN"]
      if (env !== undefined && env !== "") return env
      const file = await deps.readFile(`${deps.homeDir}/.vault-token`)
      const token = file?.trim() ?? ""
      return token === "" ? null : token
    },
    api: () => {
      let api = apis.get(deps)
      if (api === undefined) {
        api = import("../clients/vault-transit.js").then((m) => m.createTransitApi())
        apis.set(deps, api)
      }
      return api
    },
  }
}

export const vaultKind: KeyKind<"hc_vault"> = {
  backend: (spec, deps) => new TransitBackend(parseVaultUri(spec.uri), transitDeps(deps)),
  rewrap: (w, deps) => new TransitBackend(w, transitDeps(deps)),
  opener: (deps) => lazyOpener("hc_vault", () => Promise.resolve(new TransitOpener(transitDeps(deps)))),
}
