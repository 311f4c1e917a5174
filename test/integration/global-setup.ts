import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"
import { inCi } from "../helpers/ci.js"

const repo = fileURLToPath(new URL("../../", import.meta.url))
const envFile = `${repo}.peers/peers.env`

declare module "vitest" {
  export interface ProvidedContext {
    peersEnv: Record<string, string>
  }
}

/** Parses KEY=value and KEY='value' lines of .peers/peers.env (the file is also shell-sourceable). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=")
    if (eq <= 0 || line.startsWith("#")) continue
    const raw = line.slice(eq + 1)
    const quoted = raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")
    out[line.slice(0, eq)] = quoted ? raw.slice(1, -1) : raw
  }
  return out
}

/**
 * Refuses to run when an AWS, Vault or Kubernetes endpoint is not on this machine, so a
 * mis-set variable can never send test traffic to a real account or cluster.
 */
export function assertLoopback(env: Record<string, string | undefined>): void {
  const urls = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "VAULT_ADDR"]
  for (const name of urls) {
    const v = env[name]
    if (v === undefined || v === "") continue
    const host = new URL(v).hostname
    if (!isLoopback(host))
      throw new Error(`refusing to run integration tests: ${name}=${v} is not a loopback address`)
  }
  const kubeconfig = env["KUBECONFIG"]
  if (kubeconfig !== undefined && existsSync(kubeconfig)) {
    for (const m of readFileSync(kubeconfig, "utf8").matchAll(/server:\s*(\S+)/g)) {
      const host = new URL(m[1] ?? "").hostname
      if (!isLoopback(host))
        throw new Error(`refusing to run integration tests: kubeconfig server ${m[1]} is not loopback`)
    }
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export default function setup(project: TestProject): () => void {
  let startedHere = false
  if (!existsSync(envFile)) {
    console.log("integration: .peers/peers.env missing; running scripts/peers.sh up")
    const r = spawnSync("bash", [`${repo}scripts/peers.sh`, "up"], { stdio: "inherit" })
    if (r.status !== 0) {
      if (inCi()) throw new Error("integration: test peers could not be started (see the log above)")
      console.warn(
        "integration: peers could not be started; tests that need them will be skipped with a reason",
      )
    } else {
      startedHere = true
    }
  }
  const env = existsSync(envFile) ? parseEnvFile(readFileSync(envFile, "utf8")) : {}
  // SEALBRIDGE_ALLOW_REMOTE=1 is the deliberate switch for running against a real account or cluster.
  if (process.env["SEALBRIDGE_ALLOW_REMOTE"] !== "1") assertLoopback({ ...process.env, ...env })
  Object.assign(process.env, env)
  project.provide("peersEnv", env)
  return () => {
    if (startedHere) spawnSync("bash", [`${repo}scripts/peers.sh`, "down"], { stdio: "inherit" })
  }
}
