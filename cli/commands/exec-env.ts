import { Command } from "commander"
import { BridgeError, envFromBranch, ErrorCode, openDocument } from "../../src/index.js"
import { runChild } from "../exec-child.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import {
  execDecryptionOrder,
  loadExecTarget,
  userFor,
  warnBackground,
  type ExecFlags,
} from "./exec-shared.js"

interface ExecEnvFlags extends ExecFlags {
  pristine?: boolean
  sameProcess?: boolean
}

/**
 * `exec-env FILE CMD`: opens FILE and runs CMD (through /bin/sh -c) with its top-level values
 * added to the environment. Secrets go to the child's environment only: never on a command
 * line, never printed. The command's exit status becomes sealbridge's.
 */
export async function runExecEnv(
  file: string,
  command: string,
  flags: ExecEnvFlags,
  io: CliIO,
): Promise<void> {
  warnBackground("exec-env", flags, io)
  if (flags.background === true && flags.sameProcess === true) {
    throw new BridgeError(ErrorCode.Conflict, "the --same-process flag cannot be used with --background")
  }
  const target = await loadExecTarget(file, flags, io)
  const order = execDecryptionOrder(flags, io)
  const branches = await openDocument({
    input: target.input,
    source: target.name,
    format: target.inputFormat,
    openers: openersFor(io),
    ...(order === undefined ? {} : { decryptionOrder: order }),
  })
  const secrets = envFromBranch(branches[0], target.name)
  const account = await userFor(flags)
  const base = flags.pristine === true ? {} : io.env
  await runChild({
    command,
    env: { ...base, ...account.env, ...Object.fromEntries(secrets) },
    background: flags.background === true,
    ...(account.user === undefined ? {} : { user: account.user }),
  })
}

export function execEnvCommand(io: CliIO): Command {
  return new Command("exec-env")
    .description("run a command with the file's top-level values in its environment")
    .argument("<file>", "the sealed file")
    .argument("<command>", "run through /bin/sh -c; its exit status is sealbridge's")
    .option("--background", "start the command and do not wait for it (deprecated, as in sops)")
    .option("--pristine", "give the command only the file's values, not the current environment")
    .option("--user <name>", "run the command as this user (needs root)")
    .option("--same-process", "accepted for sops compatibility; Node cannot exec in place, so a child runs")
    .option(
      "--decryption-order <types>",
      "comma-separated key types to try first (env SOPS_DECRYPTION_ORDER)",
    )
    .addHelpText(
      "after",
      `\nExamples:\n  sealbridge exec-env secrets.enc.yaml 'psql "$DATABASE_URL"'\n  sealbridge exec-env --pristine app.enc.env ./start.sh`,
    )
    .action((file: string, command: string, flags: ExecEnvFlags) => runExecEnv(file, command, flags, io))
}
