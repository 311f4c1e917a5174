import { randomBytes } from "node:crypto"
import { readFile } from "node:fs/promises"
import { AgeOpener, BridgeError, collectAgeIdentities, ErrorCode, type KeyOpener } from "../src/index.js"
import type { KubeApi } from "./kube/port.js"
import type { Logger } from "./reconcile/deps.js"

/**
 * The controller's own keys for SopsSecrets: age identities from `--age-key-file`, SOPS_AGE_KEY
 * or SOPS_AGE_KEY_FILE (the sealing core's sources; KMS and transit openers join here later).
 */
export async function controllerOpeners(
  env: Readonly<Record<string, string | undefined>>,
  ageKeyFile: string | undefined,
): Promise<KeyOpener[]> {
  const identities = await collectAgeIdentities({
    env: {
      ...env,
      ...(ageKeyFile === undefined ? {} : { SOPS_AGE_KEY_FILE: ageKeyFile }),
      SOPS_AGE_KEY_CMD: undefined,
    },
    userConfigDir: "/nonexistent",
    readFile: async (p) => {
      try {
        return await readFile(p, "utf8")
      } catch {
        return null
      }
    },
    runCommand: () =>
      Promise.reject(new BridgeError(ErrorCode.Config, "SOPS_AGE_KEY_CMD is not used by the controller")),
  })
  return identities.length === 0 ? [] : [new AgeOpener(identities)]
}

/**
 * The data-hash HMAC key, kept in a Secret (`namespace/name`) so hashes stay valid across
 * restarts (otherwise every Secret would look drifted and be re-fetched). Created when missing.
 */
export async function hashKey(kube: KubeApi, ref: string | undefined, log: Logger): Promise<Uint8Array> {
  if (ref === undefined) {
    log.warn("no --hash-key-secret: using a per-process hash key; a restart re-reads every provider once")
    return new Uint8Array(randomBytes(32))
  }
  const [namespace, name] = ref.split("/")
  if (namespace === undefined || name === undefined || namespace === "" || name === "")
    throw new BridgeError(ErrorCode.Usage, `--hash-key-secret ${ref}: expected namespace/name`)
  const existing = await kube.getSecret(namespace, name)
  const b64 = existing?.data?.["key"]
  if (b64 !== undefined) return new Uint8Array(Buffer.from(b64, "base64"))
  const key = new Uint8Array(randomBytes(32))
  await kube.applySecret({
    name,
    namespace,
    labels: { "app.kubernetes.io/part-of": "sealbridge" },
    annotations: {},
    ownerReferences: [],
    data: { key: Buffer.from(key).toString("base64") },
  })
  log.info("created hash key secret", { namespace, name })
  return key
}
