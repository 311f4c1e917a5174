import { Command } from "commander"
import {
  BridgeError,
  ErrorCode,
  parseExtractPath,
  parseFormatName,
  parseSetValue,
  resealDocument,
  setAt,
  treeEquals,
  unsetAt,
  type Branch,
  type ExtractStep,
  type FormatName,
  type TreeNode,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import type { SealFlags } from "../options.js"
import { assertInPlaceWritable, writeError } from "../target.js"
import { execDecryptionOrder, loadExecTarget } from "./exec-shared.js"

export interface SetFlags {
  inputType?: string
  outputType?: string
  valueFile?: boolean
  valueStdin?: boolean
  idempotent?: boolean
  ignoreMac?: boolean
  decryptionOrder?: string
  shamirSecretSharingThreshold?: string
}

/**
 * `set FILE PATH VALUE` as sops runs it: VALUE is JSON (or a file holding it with --value-file,
 * or standard input with --value-stdin, so the secret never shows in a process listing). The
 * file is written in place in the output type, unchanged values keeping their ciphertext;
 * with --idempotent a value that is already there leaves the file untouched (without it sops
 * writes the file anyway, with a new lastmodified and MAC).
 */
export async function runSet(args: readonly string[], flags: SetFlags, io: CliIO): Promise<void> {
  if (flags.valueFile === true && flags.valueStdin === true) {
    throw new BridgeError(ErrorCode.Usage, "cannot use both --value-file and --value-stdin")
  }
  const needed = flags.valueStdin === true ? 2 : 3
  const [file, path, value] = args
  if (args.length !== needed || file === undefined || path === undefined) {
    throw new BridgeError(
      ErrorCode.NoFile,
      `no file specified, or index and value are missing: need precisely ${needed} positional arguments` +
        (flags.valueStdin === true ? " since --value-stdin is used" : ""),
      { hint: `e.g. sealbridge set app.yaml '["db"]["password"]' '"s3cret"'` },
    )
  }
  const steps = setPath(path)
  const node = parseSetValue(await valueText(value, flags, io))
  await setValue(file, steps, node, flags, io)
}

/** Writes `node` at `steps` of `file` in place (shared with the legacy `--set` form). */
export async function setValue(
  file: string,
  steps: readonly ExtractStep[],
  node: TreeNode,
  flags: SetFlags,
  io: CliIO,
): Promise<void> {
  await rewrite(file, flags, io, (branches) => {
    const first = branches[0]
    if (first === undefined) return null
    const next = setAt(first, steps, node)
    if (flags.idempotent === true && treeEquals(next, first)) return null
    return [next as Branch, ...branches.slice(1)]
  })
}

/** `unset FILE PATH`: removes one key or list item in place; --idempotent: absent is fine. */
export async function runUnset(args: readonly string[], flags: SetFlags, io: CliIO): Promise<void> {
  const [file, path] = args
  if (args.length !== 2 || file === undefined || path === undefined) {
    throw new BridgeError(ErrorCode.NoFile, "no file specified, or index is missing", {
      hint: `e.g. sealbridge unset app.yaml '["db"]["password"]'`,
    })
  }
  const steps = setPath(path)
  await rewrite(file, flags, io, (branches) => {
    const first = branches[0]
    if (first === undefined) return null
    try {
      return [unsetAt(first, steps) as Branch, ...branches.slice(1)]
    } catch (err) {
      if (flags.idempotent === true && err instanceof BridgeError && err.code === ErrorCode.ExtractMissing)
        return null
      throw err
    }
  })
}

async function rewrite(
  file: string,
  flags: SetFlags,
  io: CliIO,
  change: (b: Branch[]) => Branch[] | null,
): Promise<void> {
  const target = await loadExecTarget(file, flags, io)
  if (target.path === null) throw new BridgeError(ErrorCode.Conflict, "set/unset need a file, not stdin")
  await assertInPlaceWritable(target.path, io)
  const order = execDecryptionOrder(flags, io)
  const outputFormat: FormatName = target.outputFormat
  const out = await resealDocument(
    {
      input: target.input,
      source: target.name,
      format: target.inputFormat,
      outputFormat,
      openers: openersFor(io),
      ignoreMac: flags.ignoreMac === true,
      ...(order === undefined ? {} : { decryptionOrder: order }),
    },
    change,
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  if (out === null) return
  const mode = (await io.modeOf(target.path)) ?? 0o600
  try {
    await io.writeFileAtomic(target.path, out, mode)
  } catch (err) {
    throw writeError(target.path, err)
  }
}

export function setPath(path: string): ExtractStep[] {
  try {
    const steps = parseExtractPath(path)
    if (steps.length === 0) throw new Error("empty path")
    return steps
  } catch (err) {
    throw new BridgeError(ErrorCode.SetFormat, "invalid set index format", {
      cause: err,
      hint: `write the path as sops does, e.g. '["db"]["password"]'`,
    })
  }
}

async function valueText(value: string | undefined, flags: SetFlags, io: CliIO): Promise<string> {
  if (flags.valueStdin === true) return new TextDecoder().decode(await io.readStdin())
  if (value === undefined) throw new BridgeError(ErrorCode.SetFormat, "missing value to set")
  if (flags.valueFile !== true) return value
  try {
    return new TextDecoder().decode(await io.readFile(value))
  } catch (err) {
    throw new BridgeError(ErrorCode.Usage, `cannot read the value file ${JSON.stringify(value)}`, {
      cause: err,
    })
  }
}

/** Parses `--input-type`/`--output-type` early so a typo fails before any key is used. */
export function checkTypes(flags: SealFlags | SetFlags): void {
  if (flags.inputType !== undefined) parseFormatName(flags.inputType)
  if (flags.outputType !== undefined) parseFormatName(flags.outputType)
}

export function setCommand(io: CliIO): Command {
  return new Command("set")
    .description("set one value in a sealed file in place; the value is JSON")
    .usage("[options] <file> <index> [value]")
    .argument("[args...]", 'file, index (e.g. \'["db"]["password"]\') and JSON value')
    .option("--input-type <type>", "yaml, json, dotenv, ini or binary; default from the file extension")
    .option("--output-type <type>", "write the file back in this format; default the input type")
    .option("--value-file", "treat the value argument as a file holding the JSON value")
    .option("--value-stdin", "read the JSON value from standard input (no value argument)")
    .option("--idempotent", "do nothing if the index already has the given value")
    .option("--ignore-mac", "do not verify the message authentication code (dangerous)")
    .option(
      "--decryption-order <types>",
      "comma-separated key types to try first (env SOPS_DECRYPTION_ORDER)",
    )
    .option(
      "--shamir-secret-sharing-threshold <n>",
      "accepted for sops compatibility; the file keeps its own",
    )
    .addHelpText(
      "after",
      `\nExamples:\n  sealbridge set app.yaml '["db"]["password"]' '"s3cret"'\n  printf '"%s"' "$PW" | sealbridge set --value-stdin app.yaml '["db"]["password"]'\n  sealbridge set --idempotent app.yaml '["replicas"]' 3`,
    )
    .action((args: string[], flags: SetFlags) => {
      checkTypes(flags)
      return runSet(args, flags, io)
    })
}

export function unsetCommand(io: CliIO): Command {
  return new Command("unset")
    .description("remove one key or list item from a sealed file in place")
    .usage("[options] <file> <index>")
    .argument("[args...]", `file and index, e.g. '["a"][0]'`)
    .option("--input-type <type>", "yaml, json, dotenv, ini or binary; default from the file extension")
    .option("--output-type <type>", "write the file back in this format; default the input type")
    .option("--idempotent", "do nothing if the index is not in the file")
    .option("--ignore-mac", "do not verify the message authentication code (dangerous)")
    .option(
      "--decryption-order <types>",
      "comma-separated key types to try first (env SOPS_DECRYPTION_ORDER)",
    )
    .action((args: string[], flags: SetFlags) => {
      checkTypes(flags)
      return runUnset(args, flags, io)
    })
}
