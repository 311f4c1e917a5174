import { join } from "node:path"
import { Command } from "commander"
import { BridgeError, decryptDocument, ErrorCode } from "../../src/index.js"
import { checkLocalName, makeFifo, privateDir, runChild, writePrivateFile } from "../exec-child.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import {
  execDecryptionOrder,
  loadExecTarget,
  userFor,
  warnBackground,
  type ExecFlags,
} from "./exec-shared.js"

interface ExecFileFlags extends ExecFlags {
  fifo?: boolean
  filename?: string
}

const FALLBACK_NAME = "tmp-file"

/**
 * `exec-file FILE 'cmd {}'`: opens FILE and runs the command with `{}` replaced by the path of
 * the plaintext in a private (0700) temp directory: a FIFO by default, so nothing touches the
 * disk; with --no-fifo a 0600 regular file. The directory is removed after the command ends,
 * whatever happened. The command's exit status becomes sealbridge's.
 */
export async function runExecFile(
  file: string,
  command: string,
  flags: ExecFileFlags,
  io: CliIO,
): Promise<void> {
  warnBackground("exec-file", flags, io)
  const useFifo = flags.fifo !== false
  if (flags.background === true && !useFifo) {
    // sops removes the file right after starting the command, a race the command usually loses.
    throw new BridgeError(ErrorCode.Conflict, "--background cannot be used with --no-fifo", {
      hint: "the temp file would be removed before the command reads it; use the FIFO (the default)",
    })
  }
  if (flags.filename !== undefined) checkLocalName(flags.filename)
  const target = await loadExecTarget(file, flags, io)
  const order = execDecryptionOrder(flags, io)
  const plain = await decryptDocument({
    input: target.input,
    source: target.name,
    inputFormat: target.inputFormat,
    outputFormat: target.outputFormat,
    openers: openersFor(io),
    ignoreMac: false,
    ...(order === undefined ? {} : { decryptionOrder: order }),
  })
  const account = await userFor(flags)
  const dir = await privateDir()
  try {
    const path = join(dir.path, flags.filename ?? FALLBACK_NAME)
    const feed = useFifo ? await makeFifo(path, plain) : null
    if (feed === null) await writePrivateFile(path, plain)
    try {
      await runChild({
        command: command.replaceAll("{}", path),
        env: { ...io.env, ...account.env },
        background: flags.background === true,
        ...(account.user === undefined ? {} : { user: account.user }),
      })
      // In the background, stay until the command has read the FIFO, then leave it running.
      if (flags.background === true) await feed?.done
    } finally {
      await feed?.release()
    }
  } finally {
    plain.fill(0)
    await dir.cleanup()
  }
}

export function execFileCommand(io: CliIO): Command {
  return new Command("exec-file")
    .description("run a command with the decrypted file at a temporary path given as {}")
    .argument("<file>", "the sealed file")
    .argument("<command>", "run through /bin/sh -c, {} replaced by the plaintext's path")
    .option("--background", "start the command and return once it has read the FIFO (deprecated)")
    .option("--no-fifo", "use a 0600 regular file (removed afterwards) instead of a FIFO")
    .option("--user <name>", "run the command as this user (needs root)")
    .option("--input-type <type>", "yaml, json, dotenv, ini or binary; default from the file extension")
    .option("--output-type <type>", "format of the plaintext the command reads; default the input type")
    .option("--filename <name>", `name of the temporary file (default: ${FALLBACK_NAME})`)
    .option(
      "--decryption-order <types>",
      "comma-separated key types to try first (env SOPS_DECRYPTION_ORDER)",
    )
    .addHelpText(
      "after",
      `\nExamples:\n  sealbridge exec-file secrets.enc.json 'node app.js --config {}'\n  sealbridge exec-file --no-fifo --filename app.env app.enc.env 'docker run --env-file {} img'`,
    )
    .action((file: string, command: string, flags: ExecFileFlags) => runExecFile(file, command, flags, io))
}
