import type { ProviderFactory } from "../provider.js"
import { VaultKvProvider } from "./kv.js"
import { VaultSession } from "./session.js"

/** Loads node-vault only when a Vault store is first used. */
export const createVaultProvider: ProviderFactory = async (config, deps) => {
  if (config.provider !== "vault") throw new TypeError("createVaultProvider: not a vault store")
  const { createVaultApi } = await import("../../clients/vault.js")
  const api = createVaultApi(config)
  return new VaultKvProvider(config, api, new VaultSession(api, config.auth, deps.now, deps.vaultTokens))
}
