import {
  BridgeError,
  ErrorCode,
  parseExtractPath,
  parseSetValue,
  resealDocument,
  setAt,
  treeEquals,
  unsetAt,
  type Branch,
  type ExtractStep,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import type { SealFlags } from "../options.js"
import { loadTarget } from "../target.js"

export interface SetFlags extends SealFlags {
  valueFile?: boolean
  valueStdin?: boolean
}

/** `set FILE PATH VALUE`: writes one value into a sealed file in place, keeping unchanged ciphertexts. */
export async function runSet(
  file: string,
  path: string,
  value: string | undefined,
  flags: SetFlags,
  io: CliIO,
): Promise<void> {
  const steps = setPath(path)
  const json = await valueText(value, flags, io)
  const node = parseSetValue(json)
  await rewrite(file, flags, io, (branches) => {
    const first = branches[0]
    if (first === undefined) return null
    const next = setAt(first, steps, node)
    if (treeEquals(next, first)) return null
    return [next as Branch, ...branches.slice(1)]
  })
}

/** `unset FILE PATH`: removes one key or list item from a sealed file in place. */
export async function runUnset(file: string, path: string, flags: SealFlags, io: CliIO): Promise<void> {
  const steps = setPath(path)
  await rewrite(file, flags, io, (branches) => {
    const first = branches[0]
    if (first === undefined) return null
    return [unsetAt(first, steps) as Branch, ...branches.slice(1)]
  })
}

async function rewrite(
  file: string,
  flags: SealFlags,
  io: CliIO,
  change: (b: Branch[]) => Branch[] | null,
): Promise<void> {
  const target = await loadTarget(file, { ...flags, inPlace: false }, io, false)
  if (target.path === null) throw new BridgeError(ErrorCode.Conflict, "set/unset need a file, not stdin")
  const out = await resealDocument(
    { input: target.input, source: target.name, format: target.inputFormat, openers: openersFor(io) },
    change,
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  if (out === null) return
  const mode = (await io.modeOf(target.path)) ?? 0o600
  try {
    await io.writeFileAtomic(target.path, out, mode)
  } catch (err) {
    throw new BridgeError(ErrorCode.WriteOutput, `${target.path}: cannot write output`, { cause: err })
  }
}

function setPath(path: string): ExtractStep[] {
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
  if (flags.valueFile === true) return new TextDecoder().decode(await io.readFile(value))
  return value
}
