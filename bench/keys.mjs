// KMS and Vault transit rows for `npm run bench:seal`: the same 1,000-leaf YAML file sealed and
// opened with one key and with four keys of each kind, against the peers of `.peers/peers.env`
// (moto for KMS, the OpenBao/Vault dev server for transit), sealbridge and sops on the same
// files. Sealing with four keys shows the concurrent wrap (sops wraps one key after another);
// opening stops at the first key that opens, in both tools. Rows are skipped with a note when the
// peers are not up (npm run peers:up).
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms"
import { randomUUID } from "node:crypto"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { makeYaml } from "./inputs.mjs"

const peersFile = fileURLToPath(new URL("../.peers/peers.env", import.meta.url))

/** KEY='value' lines of .peers/peers.env, or null when the peers are not up. */
function peersEnv() {
  if (!existsSync(peersFile)) return null
  const env = {}
  for (const line of readFileSync(peersFile, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)='(.*)'$/.exec(line.trim())
    if (m) env[m[1]] = m[2]
  }
  return env.AWS_ENDPOINT_URL_KMS && env.VAULT_ADDR && env.VAULT_TOKEN ? env : null
}

async function kmsKeys(env, n) {
  const kms = new KMSClient({
    endpoint: env.AWS_ENDPOINT_URL_KMS,
    region: env.AWS_REGION ?? "us-east-1",
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  })
  try {
    const out = []
    for (let i = 0; i < n; i++) out.push((await kms.send(new CreateKeyCommand({}))).KeyMetadata.Arn)
    return out
  } finally {
    kms.destroy()
  }
}

async function transitKeys(env, n) {
  const out = []
  for (let i = 0; i < n; i++) {
    const name = `sb-bench-${randomUUID().slice(0, 8)}`
    const r = await fetch(`${env.VAULT_ADDR}/v1/transit/keys/${name}`, {
      method: "POST",
      headers: { "X-Vault-Token": env.VAULT_TOKEN },
    })
    if (r.status >= 300) throw new Error(`transit key ${name}: HTTP ${r.status}`)
    out.push(`${env.VAULT_ADDR}/v1/transit/keys/${name}`)
  }
  return out
}

/** Adds the key rows through `record(label, ours, theirs)`; `timed(cmd, args, env)` measures. */
export async function keyRows({ dir, cli, sopsBin, record, timed }) {
  const env = peersEnv()
  if (env === null) {
    console.log("KMS/transit rows skipped: no peers (.peers/peers.env); run npm run peers:up")
    return
  }
  const plain = join(dir, "keys.yaml")
  writeFileSync(plain, makeYaml(1_000))
  const kms = await kmsKeys(env, 4)
  const transit = await transitKeys(env, 4)
  const kinds = [
    ["KMS", "--kms", kms],
    ["transit", "--hc-vault-transit", transit],
  ]
  for (const [kind, flag, keys] of kinds) {
    for (const n of [1, 4]) {
      const list = keys.slice(0, n).join(",")
      const ours = join(dir, `ours.${kind}.${n}.yaml`)
      const theirs = join(dir, `sops.${kind}.${n}.yaml`)
      const label = `${kind}, ${n} key${n > 1 ? "s" : ""} (YAML 1k leaves)`
      record(
        `encrypt ${label}`,
        timed(process.execPath, [cli, "encrypt", flag, list, "--output", ours, plain], env),
        sopsBin && timed(sopsBin, ["encrypt", flag, list, "--output", theirs, plain], env),
      )
      record(
        `decrypt ${label}`,
        timed(process.execPath, [cli, "decrypt", ours], env),
        sopsBin && timed(sopsBin, ["decrypt", theirs], env),
      )
      for (const f of [ours, theirs]) rmSync(f, { force: true })
    }
  }
  rmSync(plain, { force: true })
}
