import type { ProviderFactory } from "../provider.js"
import { AwsSecretsManagerProvider } from "./provider.js"

/** Loads the AWS SDK only when an AWS store is first used (keeps CLI start-up light). */
export const createAwsProvider: ProviderFactory = async (config, deps) => {
  if (config.provider !== "aws") throw new TypeError("createAwsProvider: not an aws store")
  const { createSecretsManagerApi } = await import("../../clients/aws-sm.js")
  return new AwsSecretsManagerProvider(config, createSecretsManagerApi(config, deps))
}
