import {
  BridgeError,
  ErrorCode,
  formatForPath,
  parseFormatName,
  type FormatName,
  type PieceProducer,
} from "../src/index.js"
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

// `-` is sealbridge's alias for stdin; sops takes `/dev/stdin` as a file name (type from its
// extension, so binary), and so does sealbridge.
const STDIN_NAMES = new Set(["-"])

export async function loadTarget(
  file: string | undefined,
  flags: SealFlags,
  io: CliIO,
  requireName: boolean,
): Promise<Target> {
  const t = resolveTarget(file, flags, requireName)
  if (!t.fromStdin && flags.inPlace === true) await assertInPlaceWritable(t.file, io)
  // `/dev/stdin` keeps sops' naming rules above but is read from fd 0: opening the path fails
  // (ENXIO) when stdin is a socket, as it is under many process runners.
  const input = t.fromStdin || t.file === "/dev/stdin" ? await io.readStdin() : await readExisting(t.file, io)
  return { path: t.path, name: t.name, input, inputFormat: t.inputFormat, outputFormat: t.outputFormat }
}

/** A target before it is read: its name, formats, and whether it is stdin. */
export type ResolvedTarget = Omit<Target, "input"> &
  (
    | { readonly fromStdin: true; readonly file: undefined }
    | { readonly fromStdin: false; readonly file: string }
  )

/** The checks and naming rules of loadTarget, without reading anything. */
export function resolveTarget(
  file: string | undefined,
  flags: SealFlags,
  requireName: boolean,
): ResolvedTarget {
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
  // sops' rule: the types come from --input-type/--output-type, else from the file name
  // (--filename-override wins); stdin without a name is binary both ways, so a sealed JSON piped
  // in is not silently printed as YAML.
  const byName = fromStdin && flags.filenameOverride === undefined ? "binary" : formatForPath(name)
  const inputFormat = flags.inputType !== undefined ? parseFormatName(flags.inputType) : byName
  const outputFormat = flags.outputType !== undefined ? parseFormatName(flags.outputType) : byName
  const formats = { name, inputFormat, outputFormat }
  return fromStdin
    ? { ...formats, path: null, fromStdin: true, file: undefined }
    : { ...formats, path: file, fromStdin: false, file }
}

/** sops refuses a file it may not write (exit 3); sealbridge says so before any key is used. */
export async function assertInPlaceWritable(file: string, io: CliIO): Promise<void> {
  if (!io.exists(file)) return
  try {
    await io.assertWritable(file)
  } catch (err) {
    throw writeError(file, err, "could not open in-place file for writing")
  }
}

/** A write failure as WRITE_OUTPUT (exit 3), naming the file and the system's reason. */
export function writeError(file: string, err: unknown, what = "cannot write output"): BridgeError {
  const code = (err as NodeJS.ErrnoException | null)?.code
  const reason = code === undefined ? "" : ` (${FS_REASONS[code] ?? code})`
  return new BridgeError(ErrorCode.WriteOutput, `${file}: ${what}${reason}`, {
    cause: err,
    hint:
      code === "EACCES" || code === "EPERM"
        ? "the file or its directory is not writable for you: check its mode and owner, or write elsewhere with --output"
        : code === "ENOSPC" || code === "EFBIG" || code === "EDQUOT"
          ? "free some space (or raise the file-size limit); the original file was left as it was"
          : "check the directory exists and is writable",
  })
}

const FS_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  ELOOP: "too many levels of symbolic links",
  EDQUOT: "disk quota exceeded",
  // a file-size limit (ulimit -f): Node ignores SIGXFSZ, so the write fails with EFBIG
  EFBIG: "file too large",
}

async function readExisting(file: string, io: CliIO): Promise<Uint8Array> {
  if (!io.exists(file)) {
    throw new BridgeError(ErrorCode.NoFile, `cannot operate on non-existent file ${JSON.stringify(file)}`, {
      hint: "check the path; flags go before the file name, as with sops",
    })
  }
  try {
    const input = await io.readFile(file)
    await io.removeStaleTemps(file).catch(() => undefined)
    return input
  } catch (err) {
    throw new BridgeError(ErrorCode.ReadInput, `${file}: cannot read file`, {
      cause: err,
      hint: "check permissions",
    })
  }
}

/**
 * Where the result goes: stdout, `--output`, or the file itself with `-i`. `data` may come in
 * pieces (a large file's sealed text), written one after another as they are made.
 */
export async function writeResult(
  target: Pick<Target, "path">,
  flags: SealFlags,
  data: Uint8Array | Iterable<Uint8Array> | PieceProducer,
  io: CliIO,
  plaintext: boolean,
): Promise<void> {
  if (flags.inPlace === true && flags.output !== undefined) {
    throw new BridgeError(ErrorCode.Conflict, "--in-place and --output cannot be used together")
  }
  const dest = flags.inPlace === true ? target.path : flags.output
  if (dest === undefined || dest === null) {
    if (data instanceof Uint8Array) io.writeOut(data)
    else if (typeof data === "function") data((piece) => io.writeOut(piece))
    else for (const piece of data) io.writeOut(piece)
    return
  }
  // Plaintext is always written private to the user (0600), even in place; a sealed file written
  // in place keeps the original's mode.
  const mode = plaintext ? 0o600 : ((flags.inPlace === true ? await io.modeOf(dest) : null) ?? 0o644)
  try {
    await io.writeFileAtomic(dest, data, mode)
  } catch (err) {
    throw writeError(dest, err)
  }
}
