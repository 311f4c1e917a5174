import { randomBytes } from "node:crypto"
import { readFile } from "node:fs/promises"
import { homedir, hostname } from "node:os"
import {
  AgeOpener,
  BridgeError,
  collectAgeIdentities,
  ErrorCode,
  keyKinds,
  type KeyDeps,
  type KeyOpener,
} from "../src/index.js"
import type { KubeApi } from "./kube/port.js"
import type { Logger } from "./reconcile/deps.js"

/**
 * The controller's own keys for SopsSecrets: age identities from `--age-key-file`, SOPS_AGE_KEY
 * or SOPS_AGE_KEY_FILE, then AWS KMS (the SDK's default chain: IRSA, pod identity, env) and Vault
 * transit (VAULT_TOKEN or ~/.vault-token; the address comes from the key, as in sops). KMS and
 * transit load their SDK on first use only; pgp is left out (no gpg agent in the image).
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
    readFile: readOrNull,
    runCommand: () =>
      Promise.reject(new BridgeError(ErrorCode.Config, "SOPS_AGE_KEY_CMD is not used by the controller")),
  })
  const deps = keyDeps(env)
  return [
    ...(identities.length === 0 ? [] : [new AgeOpener(identities)]),
    keyKinds.kms.opener(deps),
    keyKinds.hc_vault.opener(deps),
  ]
}

function keyDeps(env: Readonly<Record<string, string | undefined>>): KeyDeps {
  return {
    env,
    now: () => new Date(),
    readFile: readOrNull,
    run: () => Promise.reject(new BridgeError(ErrorCode.Config, "the controller runs no key programs (pgp)")),
    homeDir: env["HOME"] ?? homedir(),
    userConfigDir: "/nonexistent",
    hostname: hostname(),
    debug: env["SEALBRIDGE_DEBUG"] === "1",
  }
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8")
  } catch {
    return null
  }
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
