import { join } from "node:path"
import { runBuilt } from "./built-cli.js"

/** A fresh age identity through the built CLI: its file and recipient, and the env to decrypt. */
export async function newAgeKey(
  dir: string,
): Promise<{ keyFile: string; recipient: string; env: Record<string, string> }> {
  const keyFile = join(dir, "keys.txt")
  const r = await runBuilt(["keygen", "-o", keyFile])
  if (r.code !== 0) throw new Error(`keygen failed: ${r.stderr}`)
  return { keyFile, recipient: r.stdout.trim(), env: { SOPS_AGE_KEY_FILE: keyFile } }
}
