import { execFile } from "node:child_process"
import { mkdir } from "node:fs/promises"
import path from "node:path"
import { Command } from "commander"
import {
  BridgeError,
  decryptDocument,
  ErrorCode,
  fileStatus,
  formatForPath,
  GIT_DRIVER,
  matchCreationRule,
  withAttributesBlock,
  withoutAttributesBlock,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import { loadRepoConfig } from "./updatekeys.js"

function git(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("git", [...args], { cwd, maxBuffer: 1 << 26 }, (err, stdout) =>
      err === null
        ? resolve(stdout)
        : reject(new BridgeError(ErrorCode.Usage, `git ${args[0] ?? ""} failed`, { cause: err })),
    ),
  )
}

/**
 * `git setup`: makes `git diff` show decrypted values of the sealed files `.sops.yaml` covers.
 * Local to this clone and reversible: a `diff.sealbridge.textconv` entry in .git/config and a
 * marked block in .git/info/attributes; `--undo` removes both. Re-run after adding files.
 */
export async function runGitSetup(flags: { undo?: boolean; config?: string }, io: CliIO): Promise<void> {
  const top = (await git(["rev-parse", "--show-toplevel"], io.cwd)).trim()
  const gitDir = path.resolve(top, (await git(["rev-parse", "--git-common-dir"], top)).trim())
  const attributes = path.join(gitDir, "info", "attributes")
  const current = io.exists(attributes) ? new TextDecoder().decode(await io.readFile(attributes)) : ""
  if (flags.undo === true) {
    await io.writeFileAtomic(attributes, withoutAttributesBlock(current), 0o644)
    await git(["config", "--local", "--remove-section", `diff.${GIT_DRIVER}`], top).catch(() => "")
    io.writeErr("sealbridge: git diff textconv removed\n")
    return
  }
  const config = await loadRepoConfig(flags, io)
  const tracked = (await git(["ls-files", "-z"], top)).split("\0").filter((f) => f !== "")
  const sealed: string[] = []
  for (const rel of tracked) {
    const abs = path.join(top, rel)
    if (abs === path.resolve(config.path) || !io.exists(abs)) continue
    try {
      if (matchCreationRule(config, abs, path) === null) continue
      if (fileStatus(await io.readFile(abs), abs, formatForPath(abs)).encrypted) sealed.push(rel)
    } catch {
      // no rule covers it, or it does not parse as its format: not ours
    }
  }
  await mkdir(path.dirname(attributes), { recursive: true })
  await io.writeFileAtomic(attributes, withAttributesBlock(current, sealed), 0o644)
  await git(["config", "--local", `diff.${GIT_DRIVER}.textconv`, textconvCommand(io)], top)
  await git(["config", "--local", `diff.${GIT_DRIVER}.cachetextconv`, "false"], top)
  io.writeErr(`sealbridge: git diff shows decrypted values for ${sealed.length} sealed file(s)\n`)
  for (const f of sealed) io.writeOut(`${f}\n`)
}

/** `sealbridge git textconv` when sealbridge is on PATH, else this very CLI by absolute path. */
function textconvCommand(io: CliIO): string {
  const onPath = (io.env["PATH"] ?? "")
    .split(":")
    .some((d) => d !== "" && io.exists(path.join(d, "sealbridge")))
  if (onPath) return "sealbridge git textconv"
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  return `${quote(process.execPath)} ${quote(process.argv[1] ?? "sealbridge")} git textconv`
}

/**
 * `git textconv FILE`: what git diff shows for a sealed file: its plaintext; when it cannot be
 * opened (no key here, not sealed) the file as it is, so a diff never fails.
 */
export async function runGitTextconv(file: string, io: CliIO): Promise<void> {
  const input = await io.readFile(file)
  try {
    const format = formatForPath(file)
    io.writeOut(
      await decryptDocument({
        input,
        source: file,
        inputFormat: format,
        outputFormat: format,
        openers: openersFor(io),
        ignoreMac: false,
      }),
    )
  } catch {
    io.writeOut(input)
  }
}

export function gitCommand(io: CliIO): Command {
  const setup = new Command("setup")
    .description(
      "make git diff show decrypted values of the sealed files .sops.yaml covers (this clone only)",
    )
    .option("--undo", "remove the textconv driver and the attributes block again")
    .option("--config <file>", "path to .sops.yaml; default: found upward from the working directory")
    .action((flags: { undo?: boolean; config?: string }) => runGitSetup(flags, io))
  const textconv = new Command("textconv")
    .description("print a sealed file decrypted, or as it is when it cannot be opened (used by git diff)")
    .argument("<file>")
    .action((file: string) => runGitTextconv(file, io))
  const cmd = new Command("git")
    .description("git integration: `git setup` for decrypted diffs")
    .addHelpText(
      "after",
      `\nExamples:\n  sealbridge git setup          # git diff now shows plaintext changes of sealed files\n  sealbridge git setup --undo   # back to ciphertext diffs`,
    )
  for (const sub of [setup, textconv]) {
    sub.exitOverride().configureOutput({ writeOut: (s) => io.writeOut(s), writeErr: (s) => io.writeErr(s) })
    cmd.addCommand(sub)
  }
  return cmd
}
