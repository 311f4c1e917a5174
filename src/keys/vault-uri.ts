import { BridgeError, ErrorCode } from "../errors.js"

export interface VaultKeyRef {
  /** scheme://host[:port], as sops stores `vault_address`. */
  readonly vaultAddress: string
  readonly enginePath: string
  readonly keyName: string
}

const EXAMPLE = "https://vault.example.com:8200/v1/transit/keys/keyName"

/**
 * Parses `https://host:8200/v1/<engine path>/keys/<name>` as sops does: the engine path may have
 * several segments; a prefix before `/v1` is refused.
 * @throws BridgeError CONFIG naming the URI
 */
export function parseVaultUri(uri: string): VaultKeyRef {
  let u: URL
  try {
    u = new URL(uri)
  } catch (err) {
    throw new BridgeError(
      ErrorCode.Config,
      `missing scheme in vault URL (should be like this: ${EXAMPLE}), got: ${uri}`,
      {
        cause: err,
      },
    )
  }
  // "host:8200/v1/…" parses with "host:" as its scheme and no host: sops calls that a missing scheme.
  if (u.host === "")
    throw new BridgeError(
      ErrorCode.Config,
      `missing scheme in vault URL (should be like this: ${EXAMPLE}), got: ${uri}`,
    )
  const path = u.pathname
  if (/\/[^/]+\/v\d+\/[^/]+\/[^/]+\/[^/]+/.test(path)) {
    throw new BridgeError(
      ErrorCode.Config,
      `${uri}: running Vault with a prefixed url is not supported (format: ${EXAMPLE})`,
    )
  }
  if (!/\/v\d+\/(.+)\/keys\/([^/]+)/.test(path)) {
    throw new BridgeError(
      ErrorCode.Config,
      `${uri}: vault path does not seem to be formatted correctly (e.g. ${EXAMPLE})`,
    )
  }
  const dirs = path.replace(/^\/+/, "").replace(/\/+$/, "").split("/")
  return {
    vaultAddress: `${u.protocol}//${u.host}`,
    enginePath: dirs.slice(1, -2).join("/"),
    keyName: dirs[dirs.length - 1] ?? "",
  }
}
