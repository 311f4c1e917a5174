// The newcomer's first run: a throwaway age key, a sample secrets file sealed, shown, and opened
// again — all with the built CLI and no cloud account.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { banner } from "./banner.mjs"

const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "sealbridge-demo-"))
const keyFile = join(dir, "keys.txt")
const plainFile = join(dir, "secrets.yaml")
const sealedFile = join(dir, "secrets.sealed.yaml")
const run = (args, env = {}) =>
  execFileSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: "utf8" })

try {
  banner("1. a throwaway age key (sealbridge keygen -o keys.txt)")
  const recipient = run(["keygen", "-o", keyFile]).trim()
  console.log(`recipient: ${recipient}`)

  const sample = [
    "# database settings for the demo app",
    "db:",
    "    user: app",
    "    password: correct-horse-battery-staple",
    "    port: 5432",
    "features:",
    "    - audit",
    "    - sso",
    "replicas_unencrypted: 3",
    "",
  ].join("\n")
  writeFileSync(plainFile, sample)
  banner("2. the plain file")
  process.stdout.write(sample)

  banner(
    `3. sealed (sealbridge encrypt --age ${recipient.slice(0, 12)}… --output secrets.sealed.yaml secrets.yaml)`,
  )
  run(["encrypt", "--age", recipient, "--output", sealedFile, plainFile])
  process.stdout.write(readFileSync(sealedFile, "utf8"))

  banner("4. opened again (SOPS_AGE_KEY_FILE=keys.txt sealbridge decrypt secrets.sealed.yaml)")
  const opened = run(["decrypt", sealedFile], { SOPS_AGE_KEY_FILE: keyFile })
  process.stdout.write(opened)

  banner('5. one value (--extract \'["db"]["user"]\')')
  console.log(run(["decrypt", "--extract", '["db"]["user"]', sealedFile], { SOPS_AGE_KEY_FILE: keyFile }))

  if (opened !== sample) throw new Error("demo: the opened file differs from the original")
  banner("round trip ok: the opened file is byte-identical to the original")
} finally {
  rmSync(dir, { recursive: true, force: true })
}
