// Comments inside YAML lists as sops seals and opens them, for test/cli/list-comments.test.ts.
// sops (3.13.3, and every release up to 3.13.1) seals such a comment as a list item,
// `- ENC[…,type:comment]`, and opens it back into a comment; 3.13.2 fails its own MAC on those
// files (getsops/sops#2243). Run with SOPS=<path to a sops 3.13.3 binary>:
//   SOPS=… node scripts/sops-list-comments.mjs > test/fixtures/sops-list-comments/cases.sops-3.13.3.json
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const sops = process.env["SOPS"]
if (sops === undefined) throw new Error("set SOPS to a sops 3.13.3 binary")
const recipient = "age1jhrtlvfa2hk9ny5xy7msxjga9gshctfgergzrvrsecr6h9put5fstyweju"
const env = { ...process.env, SOPS_AGE_KEY_FILE: "test/fixtures/age/identity.txt" }

/** [name, plaintext YAML, extra sops encrypt flags] */
const CASES = [
  [
    "a commented-out item before the first (getsops/sops#2243)",
    "items:\n  # - commented@example.com\n  - real@example.com\n",
    [],
  ],
  ["a comment between items", "l:\n  - a\n  # between\n  - b\n", []],
  ["a comment after the last item", "l:\n  - a\n  - b\n  # after\nz: 1\n", []],
  ["a line comment on an item", "l:\n  - a # on a\n  - b\n", []],
  ["two comments in a row", "l:\n  # one\n  # two\n  - a\n", []],
  ["a nested list", "m:\n  l:\n    - - x\n      # inner\n      - y\n    # outer\n    - z\n", []],
  ["a list of maps", "l:\n  # head\n  - a: 1\n    b: 2\n  # between maps\n  - c: 3\n", []],
  ["typed items around a comment", "l:\n  - 1\n  # c\n  - true\n  - 1.5\n", []],
  ["a map comment and a list comment", "# top\nk: v\nl:\n  # in list\n  - a\n", []],
  [
    "under encrypted_regex (only the list's key sealed)",
    "l:\n  # c\n  - a\nclear:\n  # c2\n  - b\n",
    ["--encrypted-regex", "^l$"],
  ],
]

const dir = mkdtempSync(join(tmpdir(), "sops-list-comments-"))
const run = (args) => execFileSync(sops, args, { env, stdio: ["ignore", "pipe", "pipe"] }).toString()
try {
  const out = CASES.map(([name, plain, flags]) => {
    const file = join(dir, "t.yaml")
    writeFileSync(file, plain)
    const sealed = run(["encrypt", "--age", recipient, ...flags, file])
    const sealedFile = join(dir, "t.sops.yaml")
    writeFileSync(sealedFile, sealed)
    return { name, plain, flags, sealed, decrypted: run(["decrypt", sealedFile]) }
  })
  // `--extract` by index in the list of "a comment between items": sops counts the comment as an
  // item and prints it as its Go struct (dotenv refuses it, exit 4; past the end, exit 1).
  const between = out[1]
  const sealedFile = join(dir, "between.sops.yaml")
  writeFileSync(sealedFile, between.sealed)
  const extracts = []
  for (const type of ["yaml", "json", "dotenv"])
    for (const index of [0, 1, 2, 3]) {
      const path = `["l"][${index}]`
      const r = spawnSync(sops, ["decrypt", "--output-type", type, "--extract", path, sealedFile], { env })
      extracts.push({ type, path, stdout: r.stdout.toString(), code: r.status })
    }
  // `set` and `unset` by index in the same list: sops counts the comment there too.
  const edits = []
  for (const args of [
    ["set", '["l"][1]', '"Z"'],
    ["set", '["l"][2]', '"Z"'],
    ["set", '["l"][3]', '"Z"'],
    ["set", '["l"][1]["k"]', '"Z"'],
    ["unset", '["l"][1]'],
    ["unset", '["l"][2]'],
    ["unset", '["l"][3]'],
  ]) {
    const file = join(dir, "edit.sops.yaml")
    writeFileSync(file, between.sealed)
    const r = spawnSync(sops, [args[0], file, ...args.slice(1)], { env })
    edits.push({ args, code: r.status, decrypted: run(["decrypt", file]) })
  }
  // Lists left with comments only (go-yaml writes `[]` and the comments beside it): sops' file
  // after `unset` of the list's last value, and its decrypt.
  const emptied = [
    ["the last value of a nested list", "n:\n  l:\n    # d\n    - 1\n  m: 2\n", '["n"]["l"][1]'],
    ["the last value of a top-level list", "l:\n  - 1\n  # d\nz: 1\n", '["l"][0]'],
    ["the values of a list inside a list", "l:\n  - - x\n    # c\n  - y\n", '["l"][0][0]'],
    ["a flow list's line comment, nothing unset", "a: [] # e\nb: 1\n", null],
  ].map(([name, plain, path]) => {
    const file = join(dir, "emptied.yaml")
    writeFileSync(file, plain)
    const sealed = run(["encrypt", "--age", recipient, file])
    const sealedFile = join(dir, "emptied.sops.yaml")
    writeFileSync(sealedFile, sealed)
    if (path !== null) run(["unset", sealedFile, path])
    const after = readFileSync(sealedFile, "utf8")
    return { name, plain, path, sealed, after, decrypted: run(["decrypt", sealedFile]) }
  })
  process.stdout.write(`${JSON.stringify({ cases: out, extracts, edits, emptied }, null, 2)}\n`)
} finally {
  rmSync(dir, { recursive: true })
}
