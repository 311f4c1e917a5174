import { existsSync, readFileSync } from "node:fs"
import { inject } from "vitest"
import { inCi } from "../helpers/ci.js"

// Make the peers' endpoints visible to the SDKs (AWS_ENDPOINT_URL_*, VAULT_ADDR, KUBECONFIG).
const provided = inject("peersEnv")
for (const [k, v] of Object.entries(provided)) process.env[k] ??= v

const repo = new URL("../../", import.meta.url).pathname

/**
 * Whether the named peer is reachable. In CI a missing peer throws (the file fails, with the
 * peer's log tail); elsewhere its tests skip with the reason printed.
 */
export function requirePeer(name: "moto" | "vault" | "kube-apiserver", envVar: string): { skip: boolean } {
  const value = process.env[envVar]
  if (value !== undefined && value !== "") return { skip: false }
  const logFile = `${repo}.peers/${name}.log`
  const tail = existsSync(logFile)
    ? readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n")
    : "(no log)"
  const reason = `${name} is not running (${envVar} unset); run npm run peers:up`
  if (inCi()) throw new Error(`${reason}\n${tail}`)
  console.warn(`skipping ${name} tests: ${reason}`)
  return { skip: true }
}

export const peerEnv = (name: string): string => process.env[name] ?? ""

/**
 * A peer binary named by an env var from `.peers/peers.env`. In CI a missing one fails the run
 * (a skipped interop test would be a claim nobody checks); elsewhere its tests skip with a reason.
 */
export function requireBinary(envVar: string, label: string): { path: string; skip: boolean } {
  const path = process.env[envVar] ?? ""
  if (path !== "" && existsSync(path)) return { path, skip: false }
  const reason = `${label} binary not available (${envVar}=${path || "unset"}); run npm run peers:up`
  if (inCi()) throw new Error(reason)
  console.warn(`skipping ${label} tests: ${reason}`)
  return { path, skip: true }
}
