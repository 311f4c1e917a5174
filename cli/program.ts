import { Command } from "commander"
import { BridgeError, ErrorCode } from "../src/index.js"
import { runDecrypt } from "./commands/decrypt.js"
import { runEdit } from "./commands/edit.js"
import { runEncrypt } from "./commands/encrypt.js"
import { runRotate, type RotateFlags } from "./commands/rotate.js"
import { runRotateTree, type RotateTreeFlags } from "./commands/rotate-tree.js"
import { setCommand, unsetCommand } from "./commands/set.js"
import { runLegacySet } from "./commands/legacy-set.js"
import { runFileStatus } from "./commands/filestatus.js"
import { runKeygen } from "./commands/keygen.js"
import { controllerCommand } from "./controller-command.js"
import { extraCommands } from "./commands/index.js"
import { scanCommand } from "./commands/scan.js"
import { hookCommand } from "./commands/hook.js"
import { tidyHelp } from "./help.js"
import type { CliIO } from "./io.js"
import { addDecryptOptions, addEncryptOptions, addIoOptions, type SealFlags } from "./options.js"

export const VERSION = "0.1.0"

/** The commander tree; no side effects until parsed. Output goes through `io`. */
/** `setExit` lets a command choose its exit status without throwing (scan: 1 on findings). */
export function buildProgram(io: CliIO, setExit: (code: number) => void = () => undefined): Command {
  const program = new Command("sealbridge")
  program
    .description(
      "seal values of YAML/JSON/dotenv/INI/binary files sops-style; sops 3.x file format and flags",
    )
    .version(`sealbridge ${VERSION} (sops format 3.13.2)`, "-v, --version")
    .enablePositionalOptions()
    .showSuggestionAfterError()

  const legacy = program
    .option("-e, --encrypt", "encrypt a file and print the result (legacy sops form)")
    .option("-d, --decrypt", "decrypt a file and print the result (legacy sops form)")
    .option("-r, --rotate", "new data key for every value (legacy sops form)")
    .option("--add-age <recipients>", "with -r: age recipients to add")
    .option("--rm-age <recipients>", "with -r: age recipients to remove")
    .option("--add-kms <arns>", "with -r: AWS KMS ARNs to add")
    .option("--rm-kms <arns>", "with -r: AWS KMS ARNs to remove")
    .option("--add-pgp <fingerprints>", "with -r: PGP fingerprints to add")
    .option("--rm-pgp <fingerprints>", "with -r: PGP fingerprints to remove")
    .option("--add-hc-vault-transit <uris>", "with -r: Vault transit key URIs to add")
    .option("--rm-hc-vault-transit <uris>", "with -r: Vault transit key URIs to remove")
    .option("--set <index-and-value>", `set one value in place (legacy sops form), e.g. --set '["a"] "v"'`)
    .argument("[file]", "the file; - for standard input")
  addIoOptions(addDecryptOptions(addEncryptOptions(legacy)))
  legacy.action(
    async (
      file: string | undefined,
      flags: RotateFlags & { encrypt?: boolean; decrypt?: boolean; rotate?: boolean; set?: string },
    ) => {
      if (flags.encrypt === true && flags.decrypt === true) {
        throw new BridgeError(ErrorCode.Conflict, "--encrypt and --decrypt cannot be used together")
      }
      if (flags.encrypt === true) return runEncrypt(file, flags, io)
      if (flags.decrypt === true) return runDecrypt(file, flags, io)
      if (flags.rotate === true) return runRotate(file, flags, io)
      if (flags.set !== undefined) return runLegacySet(file, flags.set, flags, io)
      if (file === undefined) {
        program.outputHelp()
        return
      }
      return runEdit(file, flags, io)
    },
  )

  const encrypt = new Command("encrypt")
    .description("encrypt a file and print the result; stdin when no file is given")
    .argument("[file]")
  addIoOptions(addEncryptOptions(encrypt)).action((file: string | undefined, flags: SealFlags) =>
    runEncrypt(file, flags, io),
  )

  const decrypt = new Command("decrypt")
    .description("decrypt a file and print the result; stdin when no file is given")
    .argument("[file]")
  addIoOptions(addDecryptOptions(decrypt)).action((file: string | undefined, flags: SealFlags) =>
    runDecrypt(file, flags, io),
  )

  const edit = new Command("edit")
    .description(
      "edit a sealed file in $SOPS_EDITOR/$EDITOR; unchanged values keep their ciphertext; a new file starts from sops' example",
    )
    .argument("<file>")
  addIoOptions(addDecryptOptions(addEncryptOptions(edit))).action((file: string, flags: SealFlags) =>
    runEdit(file, flags, io),
  )

  const set = setCommand(io)
  const unset = unsetCommand(io)

  const rotate = new Command("rotate")
    .description("seal every value again under a new data key; --add-*/--rm-* change the master keys")
    .argument("[file]")
    .option("--add-age <recipients>", "comma-separated age recipients to add (to the first key group)")
    .option("--rm-age <recipients>", "comma-separated age recipients to remove")
    .option("--add-kms <arns>", "comma-separated AWS KMS ARNs (ARN+ROLE) to add")
    .option("--rm-kms <arns>", "comma-separated AWS KMS ARNs to remove")
    .option("--add-pgp <fingerprints>", "comma-separated PGP fingerprints to add")
    .option("--rm-pgp <fingerprints>", "comma-separated PGP fingerprints to remove")
    .option("--add-hc-vault-transit <uris>", "comma-separated Vault transit key URIs to add")
    .option("--rm-hc-vault-transit <uris>", "comma-separated Vault transit key URIs to remove")
    .option("--aws-profile <profile>", "AWS profile for the added KMS keys")
    .option("--encryption-context <pairs>", "KMS encryption context k1:v1,k2:v2 for the added KMS keys")
  rotate
    .option(
      "--recursive [dir]",
      "rotate every sealed file a creation rule covers under DIR (default: the .sops.yaml directory)",
    )
    .option("--dry-run", "with --recursive: list the files and change nothing")
  addIoOptions(rotate).action((file: string | undefined, flags: RotateTreeFlags) =>
    flags.recursive !== undefined ? runRotateTree(flags, io) : runRotate(file, flags, io),
  )

  const filestatus = new Command("filestatus")
    .description('print {"encrypted":true|false} for a file')
    .argument("[file]")
    .option("--input-type <type>", "yaml, json, dotenv, ini or binary")
    .action((file: string | undefined, flags: { inputType?: string }) => runFileStatus(file, flags, io))

  const keygen = new Command("keygen")
    .description("write a new age identity (default: the sops keys.txt location) and print its recipient")
    .option("-o, --output <file>", "where to write the identity (never overwrites)")
    .action((flags: { output?: string }) => runKeygen(flags, io))

  const scan = scanCommand(io, setExit)
  const hook = hookCommand(io)
  for (const cmd of [
    encrypt,
    decrypt,
    edit,
    set,
    unset,
    rotate,
    filestatus,
    keygen,
    scan,
    hook,
    ...extraCommands(io),
    controllerCommand(io),
  ]) {
    program.addCommand(cmd)
  }
  wireOutput(program, io, "sealbridge")
  tidyHelp(program)
  return program
}

/**
 * Every command in the tree (subcommands such as `groups add` too) throws instead of exiting,
 * writes through `io`, and follows commander's own usage errors (unknown flag, missing argument)
 * with a `hint:` line naming the command's help, as every other error has one.
 */
function wireOutput(cmd: Command, io: CliIO, path: string): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => io.writeOut(s),
    writeErr: (s) => io.writeErr(s),
    outputError: (s, write) =>
      write(`${s}hint: run \`${path} --help\` for the flags and arguments it takes\n`),
  })
  for (const sub of cmd.commands) wireOutput(sub, io, `${path} ${sub.name()}`)
}
