import type { ErrorCode } from "../src/index.js"

/**
 * The `hint:` line for an error that carries none of its own: README promises one under every
 * error. A hint the code that raised the error gives (it knows more) always wins.
 */
export const fallbackHints = {
  USAGE: "run `sealbridge <command> --help` for the flags and arguments it takes",
  CONFIG: "fix .sops.yaml: README's `.sops.yaml` section lists the fields sops and sealbridge read",
  FORMAT: "fix the syntax at the line and column named above; the input is never printed",
  ALREADY_SEALED: "the file already has a top-level `sops` entry: decrypt it first, or use `edit`/`set`",
  NOT_SEALED: "the file has no `sops` metadata: seal it with `sealbridge encrypt` first",
  MAC_MISMATCH:
    "the file was changed outside sealbridge/sops; restore it from version control (--ignore-mac opens it anyway)",
  NO_KEY:
    "make a key that opens the file available: SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, AWS or Vault credentials, gpg",
  KEY_BACKEND:
    "check that the key service is reachable and that your credentials may use this key (--debug shows why)",
  KEY_WRAP: "check the master keys of the creation rule or flags: each must be usable to encrypt",
  KMS_CONTEXT: "use --encryption-context key1:value1,key2:value2",
  DECRYPT: "a sealed value was changed or moved to another key: restore the file from version control",
  ENCRYPT: "sealing failed inside the cipher; run with --debug and report it",
  EXTRACT_SYNTAX: 'write the path as sops does, e.g. --extract \'["key"]["nested"][0]\'',
  EXTRACT_MISSING:
    "the file has no value at that path: `sealbridge decrypt` without --extract shows the keys",
  CONFLICT: "drop one of the conflicting flags named above",
  SET_FORMAT: "path as '[\"key\"][0]' and the value as JSON, e.g. '\"text\"', 42 or '{\"a\": 1}'",
  NOT_MODIFIED: "nothing was saved because nothing changed",
  NO_EDITOR: "set SOPS_EDITOR or EDITOR to an editor command, e.g. EDITOR=vim",
  NO_FILE: "check the file name and the number of arguments (`sealbridge <command> --help`)",
  READ_INPUT: "check that the input exists and is readable, and its --input-type",
  WRITE_OUTPUT:
    "check that the target directory exists and is writable; the original file was left as it was",
  EMPTY_FILE: "the input is empty: sops seals nothing from an empty file; put at least one value in it",
  NOT_FOUND: "check the remote key's name and version in the provider",
  ACCESS_DENIED:
    "the credentials were refused or the policy does not allow this read; check the role or token",
  PROVIDER: "the secrets provider failed; check its address and credentials (--debug shows the cause)",
  KUBE: "check the kubeconfig, the API server's address and the service account's RBAC",
  LEAK_FOUND:
    "move the value into a sealed file or a secrets store, rotate it, and rewrite the history if committed",
  INTERNAL: "run with --debug for details, and report it",
  CHILD_EXIT: "the command sealbridge ran failed; its own output above says why",
  PUBLISH: "check destination_rules in .sops.yaml and the destination's credentials",
  DATA_KEY: "make a key that opens the file available (SOPS_AGE_KEY_FILE, AWS, Vault or gpg)",
  GROUP_INDEX: "`sealbridge decrypt` shows the key groups under sops.key_groups; indexes start at 0",
  SEALED_FORMAT: "the sealed file or its sops metadata is damaged: restore it from version control",
  EMIT: "choose an --output-type that holds the data (YAML or JSON for lists and nested maps)",
} as const satisfies Record<ErrorCode, string>

/**
 * The fallback hint for `code`, naming the command that failed (`sealbridge decrypt --help`)
 * where it is known, else the placeholder `<command>`.
 */
export function fallbackHint(code: ErrorCode, command: string | null): string {
  return fallbackHints[code].replace("<command>", command ?? "<command>")
}
