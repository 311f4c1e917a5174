// Where sops 3.13.2 (go-yaml v3) puts each full-line comment of a YAML text, for the comment-run
// sweeps (scripts/yaml-gap-sweep.mjs, scripts/yaml-gap-values-sweep.mjs). `sealed(text)` is sops'
// `encrypt` output (unencrypted_regex ".*": values in the clear) without its `sops:` block, with
// the comments it encrypts (those of the top-level map) put back in the clear from its `decrypt`:
// only where each line stands matters. null when sops refuses the input or cannot open what it
// wrote (a comment sealed as a list item).
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const identity = "test/fixtures/age/identity.txt"
const recipient = "age1jhrtlvfa2hk9ny5xy7msxjga9gshctfgergzrvrsecr6h9put5fstyweju"
const ENC = /^( *)#ENC\[AES256_GCM,data:[^,]*,iv:[^,]*,tag:[^,]*,type:comment\]$/
const isComment = (l) => /^ *#/.test(l)
const withoutMetadata = (t) => t.slice(0, t.search(/^sops:$/m))

/** @param {string} prefix the scratch directory's name prefix */
export function sopsCommentPlacement(prefix) {
  const sops =
    process.env["SOPS"] ?? join(process.env["HOME"] ?? "", ".cache/sealbridge-peers/bin/sops-v3.13.2/sops")
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const config = join(dir, ".sops.yaml")
  writeFileSync(config, `creation_rules:\n  - age: ${recipient}\n    unencrypted_regex: ".*"\n`)
  const env = { ...process.env, SOPS_AGE_KEY_FILE: identity }
  const run = (args) =>
    execFileSync(sops, ["--config", config, ...args], { env, stdio: ["ignore", "pipe", "ignore"] })

  /** @param {string} text @returns {string | null} */
  function sealed(text) {
    const file = join(dir, "t.yaml")
    writeFileSync(file, text)
    let enc
    try {
      enc = run(["encrypt", file]).toString()
    } catch {
      return null
    }
    const encFile = join(dir, "t.sops.yaml")
    writeFileSync(encFile, enc)
    let clear
    try {
      clear = run(["decrypt", encFile]).toString().split("\n").filter(isComment)
    } catch {
      return null
    }
    const lines = withoutMetadata(enc).split("\n")
    if (lines.filter(isComment).length !== clear.length) return null
    let i = 0
    return lines
      .map((l) => {
        if (!isComment(l)) return l
        const c = clear[i++]
        return l.replace(ENC, (_m, sp) => sp + c.trimStart())
      })
      .join("\n")
  }
  /** sops' whole `encrypt` output and its `decrypt` of it. @param {string} text @returns {{ encrypted: string, opened: string } | null} */
  function files(text) {
    const file = join(dir, "f.yaml")
    writeFileSync(file, text)
    try {
      const encrypted = run(["encrypt", file]).toString()
      const encFile = join(dir, "f.sops.yaml")
      writeFileSync(encFile, encrypted)
      return { encrypted, opened: run(["decrypt", encFile]).toString() }
    } catch {
      return null
    }
  }
  return { sealed, files, cleanup: () => rmSync(dir, { recursive: true }) }
}
