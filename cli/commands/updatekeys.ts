import path from "node:path"
import { Command } from "commander"
import {
  BridgeError,
  ErrorCode,
  findConfigFile,
  formatForPath,
  formatPlan,
  matchCreationRule,
  parseFormatName,
  parseSopsConfig,
  planKeys,
  readSealed,
  rewrapDocument,
  type SopsConfig,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { backendsFor, openersFor } from "../key-backends.js"
import { askYesNo, closePrompts } from "../prompt.js"
import { forEachFile, sealedFilesUnder } from "./repo-run.js"

interface UpdateKeysFlags {
  yes?: boolean
  inputType?: string
  config?: string
  shamirSecretSharingThreshold?: string
  recursive?: string | boolean
  dryRun?: boolean
}

/**
 * `updatekeys FILE…`: re-wraps each file's data key for the keys of its matching creation rule
 * (values and MAC untouched), after showing sops' diff and asking "Is this okay? (y/n):"
 * unless -y. With -r [DIR] it does so for every sealed file under DIR (default: the directory of
 * .sops.yaml) that a rule covers; --dry-run only prints what would change.
 */
export async function runUpdateKeys(
  files: readonly string[],
  flags: UpdateKeysFlags,
  io: CliIO,
): Promise<void> {
  const config = await loadRepoConfig(flags, io)
  const threshold = Number(flags.shamirSecretSharingThreshold ?? "0")
  if (!Number.isInteger(threshold) || threshold < 0)
    throw new BridgeError(ErrorCode.Usage, "--shamir-secret-sharing-threshold: must be a whole number")
  const targets =
    flags.recursive === undefined
      ? files.map((f) => path.resolve(io.cwd, f))
      : await sealedFilesUnder(repoDir(flags.recursive, config, io), config, io)
  if (targets.length === 0) {
    if (flags.recursive !== undefined)
      return io.writeErr("sealbridge: no sealed files matched a creation rule\n")
    throw new BridgeError(ErrorCode.NoFile, "no file specified")
  }
  const one = (file: string) => updateOne(file, config, threshold, flags, io)
  try {
    if (targets.length === 1 && flags.recursive === undefined) await one(targets[0] ?? "")
    else await forEachFile(targets, io, "updating", one)
  } finally {
    closePrompts()
  }
}

async function updateOne(
  file: string,
  config: SopsConfig,
  threshold: number,
  flags: UpdateKeysFlags,
  io: CliIO,
): Promise<void> {
  if (!io.exists(file)) throw new BridgeError(ErrorCode.Usage, `${file}: no such file`)
  const format = flags.inputType !== undefined ? parseFormatName(flags.inputType) : formatForPath(file)
  io.writeErr(`Syncing keys for file ${file}\n`)
  const input = await io.readFile(file)
  const { metadata } = readSealed(input, file, format)
  const rule = matchCreationRule(config, file, path)
  if (rule === null)
    throw new BridgeError(
      ErrorCode.Config,
      `the config file ${config.path} does not contain any creation rule`,
    )
  const plan = planKeys(metadata, rule, threshold)
  if (!plan.changes) return io.writeErr(`File ${file} already up to date\n`)
  io.writeOut(formatPlan(plan))
  if (flags.dryRun === true) return
  if (flags.yes !== true) {
    const ok = await askYesNo("Is this okay? (y/n):", io)
    if (ok === null)
      throw new BridgeError(ErrorCode.Usage, "no answer on standard input (EOF); pass -y to approve")
    if (!ok) return io.writeErr(`File ${file} left unchanged\n`)
  }
  const out = await rewrapDocument({
    input,
    source: file,
    format,
    openers: openersFor(io),
    keyGroups: backendsFor(rule.keyGroups, io),
    shamirThreshold: plan.newThreshold,
    randomBytes: (n) => io.randomBytes(n),
  })
  try {
    await io.writeFileAtomic(file, out, (await io.modeOf(file)) ?? 0o644)
  } catch (err) {
    throw new BridgeError(ErrorCode.WriteOutput, `${file}: cannot write output`, { cause: err })
  }
  io.writeErr(`File ${file} synced with new keys\n`)
}

/** `.sops.yaml` as sops' updatekeys finds it: --config, SOPS_CONFIG, else upward from the cwd. */
export async function loadRepoConfig(flags: { config?: string }, io: CliIO): Promise<SopsConfig> {
  const explicit = flags.config ?? io.env["SOPS_CONFIG"]
  const file =
    explicit !== undefined && explicit !== "" ? explicit : findConfigFile([io.cwd], (p) => io.exists(p), path)
  if (file === null || !io.exists(file)) {
    throw new BridgeError(ErrorCode.Config, "config file not found", {
      hint: "run from inside the repository that holds .sops.yaml, or pass --config",
    })
  }
  return parseSopsConfig(new TextDecoder().decode(await io.readFile(file)), file)
}

/** -r DIR, or with a bare -r the directory holding .sops.yaml (the repository's root). */
export function repoDir(recursive: string | boolean, config: SopsConfig, io: CliIO): string {
  return typeof recursive === "string"
    ? path.resolve(io.cwd, recursive)
    : path.dirname(path.resolve(config.path))
}

export function updateKeysCommand(io: CliIO): Command {
  return new Command("updatekeys")
    .description(
      "re-wrap the data key of sealed files for the keys of their creation rule (values unchanged)",
    )
    .argument("[files...]", "sealed files; with -r, every sealed file a rule covers")
    .option("-y, --yes", "pre-approve all changes and run non-interactively")
    .option("--input-type <type>", "yaml, json, dotenv, ini or binary; default from the file extension")
    .option("--config <file>", "path to .sops.yaml; default: found upward from the working directory")
    .option("--shamir-secret-sharing-threshold <n>", "new threshold (capped at the rule's group count)")
    .option("-r, --recursive [dir]", "every sealed file under DIR (default: the .sops.yaml directory)")
    .option("--dry-run", "print what would change and change nothing")
    .addHelpText(
      "after",
      `\nExamples:\n  sealbridge updatekeys secrets/prod.yaml\n  sealbridge updatekeys -y -r            # every sealed file of the repository\n  sealbridge updatekeys -r deploy --dry-run`,
    )
    .action((files: string[], flags: UpdateKeysFlags) => runUpdateKeys(files, flags, io))
}
