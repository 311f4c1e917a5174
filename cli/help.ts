import type { Command } from "commander"
import { keyKinds, type KeySpec } from "../src/index.js"

/**
 * `--help` lists only flags that do something. Key flags are shown when their key type has a
 * backend in the key registry (src/keys/registry.ts), so a new kind shows its flags by itself; flags a command
 * accepts for sops compatibility but ignores are hidden from that command's help.
 */
const KEY_FLAGS: Readonly<Record<string, KeySpec["kind"]>> = {
  kms: "kms",
  "aws-profile": "kms",
  "encryption-context": "kms",
  pgp: "pgp",
  "hc-vault-transit": "hc_vault",
  "gcp-kms": "gcp_kms",
  "azure-kv": "azure_kv",
}

/** Flags each command takes (shared option sets) but does not act on. */
const IGNORED: Readonly<Record<string, readonly string[]>> = {
  decrypt: ["config"],
  edit: [
    "in-place",
    "output",
    "output-type",
    "filename-override",
    "indent",
    "extract",
    "ignore-mac",
    "decryption-order",
    "config",
  ],
  rotate: ["output-type", "filename-override", "indent", "config"],
}

export const EXAMPLES = `
Examples:
  sealbridge keygen                                    new age key in ~/.config/sops/age/keys.txt
  sealbridge encrypt --age age1… app.yaml > app.enc.yaml
  sealbridge -e -i app.yaml                            seal in place (keys from .sops.yaml)
  sealbridge decrypt app.enc.yaml
  sealbridge decrypt --extract '["db"]["password"]' app.enc.yaml
  cat app.enc.json | sealbridge decrypt --input-type json --output-type json
  sealbridge edit app.enc.yaml
  sealbridge set app.enc.yaml '["db"]["password"]' '"n3w"'
  sealbridge rotate -i --add-age age1… app.enc.yaml
  sealbridge help decrypt                              help for one command

Where decryption keys are looked for (age), in this order:
  SOPS_AGE_KEY (identities inline), SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD (its output),
  then $XDG_CONFIG_HOME/sops/age/keys.txt (default ~/.config/sops/age/keys.txt;
  macOS ~/Library/Application Support/sops/age/keys.txt).

Encryption keys: the key flags above (or their SOPS_* variables), else the first
creation rule of .sops.yaml that matches the file (searched upward from the working
directory, then from the file's directory; --config or SOPS_CONFIG to name it).

Exit codes are sops 3.13's (0 ok, 1 usage/config/not sealed, 2 unreadable input,
3 cannot write, 25 tampered value, 51 MAC mismatch, 100 no such file, 128 no key,
…): the full table is in README.md, section "Exit codes".
`

export function tidyHelp(program: Command): void {
  const hidden = new Set(Object.keys(KEY_FLAGS).filter((flag) => !keyFlagWorks(flag)))
  for (const cmd of [program, ...program.commands]) {
    const ignored = new Set(IGNORED[cmd.name()] ?? [])
    for (const opt of cmd.options) {
      const long = (opt.long ?? "").replace(/^--/, "")
      if (hidden.has(long) || ignored.has(long)) opt.hideHelp()
    }
  }
  program.addHelpText("after", EXAMPLES)
}

function keyFlagWorks(flag: string): boolean {
  const kind = KEY_FLAGS[flag]
  return kind === undefined || Object.hasOwn(keyKinds, kind)
}
