import { createAwsProvider } from "./aws/factory.js"
import type { MemoryProvider } from "./memory.js"
import { createVaultProvider } from "./vault/factory.js"
import type { ProviderDeps, ProviderFactory, SecretProvider, StoreConfig } from "./provider.js"

export type ProviderName = StoreConfig["provider"]

/** Literal table provider name → factory; the compiler checks every provider has one. */
export type ProviderRegistry = { readonly [K in ProviderName]: ProviderFactory }

export const providerRegistry = {
  aws: createAwsProvider,
  vault: createVaultProvider,
} as const satisfies ProviderRegistry

/** Builds the provider for a resolved store configuration. */
export function createProvider(
  config: StoreConfig,
  deps: ProviderDeps,
  registry: ProviderRegistry = providerRegistry,
): Promise<SecretProvider> {
  return registry[config.provider](config, deps)
}

/**
 * A registry whose every entry hands out in-memory providers, for reconcile tests and demos:
 * `pick` chooses the provider for a store configuration (e.g. by server or region).
 */
export function memoryRegistry(pick: (config: StoreConfig) => MemoryProvider): ProviderRegistry {
  const factory: ProviderFactory = (config) => Promise.resolve(pick(config))
  return { aws: factory, vault: factory }
}
