import type NodeVault from "node-vault"
import type { TransitApi, TransitTarget } from "../keys/vault-api.js"

type VaultFactory = typeof NodeVault
type VaultClient = ReturnType<VaultFactory>

/**
 * The only node-vault importer for master keys, loaded on first use. node-vault logs request
 * bodies through the `debug` package when DEBUG names it; the body holds the data key, so the
 * module is loaded with DEBUG cleared (the debug package reads it once, at load).
 */
export async function createTransitApi(): Promise<TransitApi> {
  const saved = process.env["DEBUG"]
  delete process.env["DEBUG"]
  let factory: VaultFactory
  try {
    factory = (await import("node-vault")).default
  } finally {
    if (saved !== undefined) process.env["DEBUG"] = saved
  }
  const clients = new Map<string, VaultClient>()
  const clientFor = (t: TransitTarget): VaultClient => {
    const id = `${t.vaultAddress}\n${t.namespace ?? ""}\n${t.token}`
    let c = clients.get(id)
    if (c === undefined) {
      // Token and namespace are passed explicitly so node-vault's own env fallbacks never apply.
      c = factory({
        apiVersion: "v1",
        endpoint: t.vaultAddress,
        token: t.token,
        ...(t.namespace === undefined ? {} : { namespace: t.namespace }),
      })
      clients.set(id, c)
    }
    return c
  }
  const opts = (timeoutMs?: number): Record<string, unknown> =>
    timeoutMs === undefined || timeoutMs <= 0 ? {} : { timeout: timeoutMs }
  return {
    async encrypt(t, plaintext, timeoutMs) {
      const out = (await clientFor(t).write(
        `${t.enginePath}/encrypt/${t.keyName}`,
        { plaintext },
        opts(timeoutMs),
      )) as {
        data?: { ciphertext?: unknown }
      }
      const c = out.data?.ciphertext
      if (typeof c !== "string") throw new Error("transit encrypt returned no ciphertext")
      return c
    },
    async decrypt(t, ciphertext, timeoutMs) {
      const out = (await clientFor(t).write(
        `${t.enginePath}/decrypt/${t.keyName}`,
        { ciphertext },
        opts(timeoutMs),
      )) as {
        data?: { plaintext?: unknown }
      }
      const p = out.data?.plaintext
      if (typeof p !== "string") throw new Error("transit decrypt returned no plaintext")
      return p
    },
  }
}
