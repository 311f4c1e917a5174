// Where the real sops binary is: $SOPS_BIN, the repo's .peers/peers.env, or the peers cache.
import { existsSync, readFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export function findSops() {
  let fromPeers
  try {
    const env = readFileSync(fileURLToPath(new URL("../.peers/peers.env", import.meta.url)), "utf8")
    fromPeers = /^SOPS_BIN='?([^'\n]*)'?$/m.exec(env)?.[1]
  } catch {
    fromPeers = undefined
  }
  const cache = process.env.SEALBRIDGE_PEERS_HOME ?? join(homedir(), ".cache", "sealbridge-peers")
  return [process.env.SOPS_BIN, fromPeers, join(cache, "bin", "sops-v3.13.2", "sops")].find(
    (p) => p && existsSync(p),
  )
}
