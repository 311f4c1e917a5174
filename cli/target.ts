import { BridgeError, ErrorCode, formatForPath, parseFormatName, type FormatName } from "../src/index.js"
import type { CliIO } from "./io.js"
import type { SealFlags } from "./options.js"

/** The file (or stdin) a command works on, and the formats it is read and written in. */
export interface Target {
  /** The real path, or null for stdin. */
  readonly path: string | null
  /** The name used in messages, config lookup and type detection (`--filename-override` wins). */
  readonly name: string
  readonly input: Uint8Array
  readonly inputFormat: FormatName
  readonly outputFormat: FormatName
}

const STDIN_NAMES = new Set(["-", "/dev/stdin"])

export async function loadTarget(
  file: string | undefined,
  flags: SealFlags,
  io: CliIO,
  requireName: boolean,
): Promise<Target> {
  const fromStdin = file === undefined || STDIN_NAMES.has(file)
  if (fromStdin && requireName && flags.filenameOverride === undefined) {
    throw new BridgeError(ErrorCode.Conflict, "must specify --filename-override when reading from stdin", {
      hint: "e.g. cat app.yaml | sealbridge encrypt --filename-override app.yaml",
    })
  }
  if (fromStdin && flags.inPlace === true) {
    throw new BridgeError(ErrorCode.Conflict, "--in-place cannot be used with stdin")
  }
  const name = flags.filenameOverride ?? (fromStdin ? "-" : file)
  const knownName = flags.filenameOverride !== undefined || !fromStdin
  const inputFormat =
    flags.inputType !== undefined
      ? parseFormatName(flags.inputType)
      : knownName
        ? formatForPath(name)
        : "yaml"
  const outputFormat =
    flags.outputType !== undefined
      ? parseFormatName(flags.outputType)
      : knownName
        ? formatForPath(name)
        : inputFormat
  const input = fromStdin ? await io.readStdin() : await readExisting(file, io)
  return { path: fromStdin ? null : file, name, input, inputFormat, outputFormat }
}

async function readExisting(file: string, io: CliIO): Promise<Uint8Array> {
  if (!io.exists(file)) {
    throw new BridgeError(ErrorCode.NoFile, `cannot operate on non-existent file ${JSON.stringify(file)}`, {
      hint: "check the path; flags go before the file name, as with sops",
    })
  }
  try {
    return await io.readFile(file)
  } catch (err) {
    throw new BridgeError(ErrorCode.ReadInput, `${file}: cannot read file`, {
      cause: err,
      hint: "check permissions",
    })
  }
}

/** Where the result goes: stdout, `--output`, or the file itself with `-i`. */
export async function writeResult(
  target: Target,
  flags: SealFlags,
  data: Uint8Array,
  io: CliIO,
  plaintext: boolean,
): Promise<void> {
  if (flags.inPlace === true && flags.output !== undefined) {
    throw new BridgeError(ErrorCode.Conflict, "--in-place and --output cannot be used together")
  }
  const dest = flags.inPlace === true ? target.path : flags.output
  if (dest === undefined || dest === null) {
    io.writeOut(data)
    return
  }
  // Plaintext is always written private to the user (0600), even in place; a sealed file written
  // in place keeps the original's mode.
  const mode = plaintext ? 0o600 : ((flags.inPlace === true ? await io.modeOf(dest) : null) ?? 0o644)
  try {
    await io.writeFileAtomic(dest, data, mode)
  } catch (err) {
    throw new BridgeError(ErrorCode.WriteOutput, `${dest}: cannot write output`, {
      cause: err,
      hint: "check the directory exists and is writable",
    })
  }
}
