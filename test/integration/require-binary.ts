import { existsSync } from "node:fs"

/**
 * A peer binary named by an env var from `.peers/peers.env`. In CI a missing one fails the run
 * (a skipped interop test would be a claim nobody checks); elsewhere its tests skip with a reason.
 */
export function requireBinary(envVar: string, label: string): { path: string; skip: boolean } {
  const path = process.env[envVar] ?? ""
  if (path !== "" && existsSync(path)) return { path, skip: false }
  const reason = `${label} binary not available (${envVar}=${path || "unset"}); run npm run peers:up`
  if (process.env["CI"] === "true") throw new Error(reason)
  console.warn(`skipping ${label} tests: ${reason}`)
  return { path, skip: true }
}
