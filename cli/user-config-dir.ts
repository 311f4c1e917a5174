import { join } from "node:path"
import type { CliIO } from "./io.js"

/** Go's os.UserConfigDir, which sops uses to find `sops/age/keys.txt`. */
export function userConfigDir(io: CliIO): string {
  if (io.platform === "darwin") return join(io.homeDir, "Library", "Application Support")
  if (io.platform === "win32") return io.env["APPDATA"] ?? join(io.homeDir, "AppData", "Roaming")
  const xdg = io.env["XDG_CONFIG_HOME"]
  return xdg !== undefined && xdg !== "" ? xdg : join(io.homeDir, ".config")
}

export function defaultAgeKeyFile(io: CliIO): string {
  return join(userConfigDir(io), "sops", "age", "keys.txt")
}
