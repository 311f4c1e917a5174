import { stat } from "node:fs/promises"
import path from "node:path"
import { Command } from "commander"
import {
  BridgeError,
  ErrorCode,
  formatForPath,
  matchDestinationRule,
  parseDestinationRules,
  preparePublish,
  publishSinks,
  uploadPrepared,
  type DestinationRule,
  type PublishSinks,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { backendsFor, openersFor } from "../key-backends.js"
import { callOptions } from "../key-deps.js"
import { askLine, closePrompts } from "../prompt.js"
import { listFiles } from "../walk.js"
import { execDecryptionOrder } from "./exec-shared.js"
import { loadRepoConfig } from "./updatekeys.js"

interface PublishFlags {
  yes?: boolean
  omitExtensions?: boolean
  recursive?: boolean
  verbose?: boolean
  config?: string
  decryptionOrder?: string
  keyTimeout?: string
  debug?: boolean
}

/**
 * `publish FILE`: sends a sealed file to the destination of its `destination_rules` entry, as
 * sops 3.13 does — S3 gets the sealed file (sealed again for the `recreation_rule`'s keys when it
 * names any), Vault KV v1/v2 gets the opened values. Asks "uploading … ? (y/n):" unless -y.
 * With --recursive FILE is a directory and every file under it is published (the destination
 * name is the path under it); the first failure stops the run, as in sops.
 */
export async function runPublish(files: readonly string[], flags: PublishFlags, io: CliIO): Promise<void> {
  const config = await loadRepoConfig(flags, io)
  const rules = parseDestinationRules(new TextDecoder().decode(await io.readFile(config.path)), config.path)
  const given = files[0]
  if (given === undefined) throw new BridgeError(ErrorCode.NoFile, "Error: no file specified")
  if (files.length > 1)
    io.writeErr("More than one positional argument provided. Only the first one will be used!\n")
  let isDir: boolean
  try {
    isDir = (await stat(path.resolve(io.cwd, given))).isDirectory()
  } catch (err) {
    throw new BridgeError(ErrorCode.Usage, `stat ${given}: no such file or directory`, { cause: err })
  }
  if (isDir && flags.recursive !== true)
    throw new BridgeError(ErrorCode.Usage, "can't operate on a directory without --recursive flag.")
  const sinks = publishSinks({
    env: io.env,
    debug: flags.debug === true,
    vaultToken: async () => vaultToken(io),
  })
  try {
    const targets = isDir
      ? (await listFiles(path.resolve(io.cwd, given))).map((abs) =>
          path.join(given, path.relative(path.resolve(io.cwd, given), abs)),
        )
      : [given]
    for (const file of targets) {
      const name = flags.recursive === true ? path.relative(given, file) : path.basename(file)
      await publishOne(file, name, matchDestinationRule(rules, file), flags, io, sinks)
    }
  } finally {
    sinks.close()
    closePrompts()
  }
}

async function publishOne(
  file: string,
  name: string,
  rule: DestinationRule,
  flags: PublishFlags,
  io: CliIO,
  sinks: PublishSinks,
): Promise<void> {
  if (rule.destination === null)
    throw new BridgeError(ErrorCode.Publish, "no destination configured for this file")
  const abs = path.resolve(io.cwd, file)
  const order = execDecryptionOrder(flags, io)
  const call = callOptions(io, flags)
  const prepared = await preparePublish(
    {
      input: await io.readFile(abs),
      source: file,
      format: formatForPath(file),
      rule,
      name,
      omitExtensions: flags.omitExtensions === true,
      openers: openersFor(io, flags),
      ...(order === undefined ? {} : { decryptionOrder: order }),
      backendsFor: (groups) => backendsFor(groups, io, flags),
      call,
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  io.writeOut(prepared.diff)
  const where =
    prepared.kind === "s3"
      ? prepared.display
      : prepared.display(
          prepared.address !== "" ? prepared.address : (io.env["VAULT_ADDR"] ?? "https://127.0.0.1:8200"),
        )
  if (flags.yes !== true && !(await confirm(`uploading ${abs} to ${where} ? (y/n): `, io))) {
    const msg = `Publication of ${abs} canceled`
    if (flags.recursive === true) return io.writeOut(`${msg}\n`)
    throw new BridgeError(ErrorCode.Publish, msg)
  }
  const note = await uploadPrepared(prepared, sinks, call)
  if (note !== null) io.writeErr(`${note}\n`)
}

/** sops reads one word with fmt.Scanln: y or n; anything else asks again; an empty line or EOF fails. */
async function confirm(question: string, io: CliIO): Promise<boolean> {
  for (;;) {
    const line = await askLine(question, io)
    if (line === null)
      throw new BridgeError(ErrorCode.Publish, "EOF", { hint: "pass -y to publish without asking" })
    const word = line.trim()
    if (word === "") throw new BridgeError(ErrorCode.Publish, "unexpected newline")
    if (word === "y") return true
    if (word === "n") return false
  }
}

/** VAULT_TOKEN, else ~/.vault-token, as the transit keys find it. */
async function vaultToken(io: CliIO): Promise<string | null> {
  const env = io.env["VAULT_TOKEN"]
  if (env !== undefined && env !== "") return env
  const file = path.join(io.homeDir, ".vault-token")
  if (!io.exists(file)) return null
  const text = new TextDecoder().decode(await io.readFile(file)).trim()
  return text === "" ? null : text
}

export function publishCommand(io: CliIO): Command {
  return new Command("publish")
    .description("publish a sealed file (or, with --recursive, a directory) to its destination_rules target")
    .argument("[file...]", "the sealed file; with --recursive, a directory")
    .option("-y, --yes", "pre-approve all changes and run non-interactively")
    .option("--omit-extensions", "omit file extensions in the destination path")
    .option("--recursive", "if the path is a directory, publish everything under it")
    .option("--verbose", "accepted for sops compatibility")
    .option("--config <file>", "path to .sops.yaml; default: found upward from the working directory")
    .option(
      "--decryption-order <types>",
      "comma-separated key types to try first (env SOPS_DECRYPTION_ORDER)",
    )
    .option("--key-timeout <duration>", "bound each master key's call, e.g. 30s")
    .option("--debug", "print the cause chain of errors")
    .addHelpText(
      "after",
      `\nExamples:\n  sealbridge publish -y secrets/prod/app.enc.yaml\n  sealbridge publish --recursive --omit-extensions secrets/prod`,
    )
    .action((files: string[], flags: PublishFlags) => runPublish(files, flags, io))
}
