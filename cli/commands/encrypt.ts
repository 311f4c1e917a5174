import {
  BridgeError,
  encryptBinaryPieces,
  encryptDocument,
  encryptStreamed,
  ErrorCode,
  type PieceProducer,
  type PiecesRequest,
  type SealDeps,
  SEAL_STREAM_MIN_BYTES,
  STREAM_MIN_BYTES,
} from "../../src/index.js"
import { resolveCreationRule } from "../creation.js"
import { openFileSource, type FileSource } from "../file-source.js"
import type { CliIO } from "../io.js"
import { backendsFor } from "../key-backends.js"
import { callOptions } from "../key-deps.js"
import type { SealFlags } from "../options.js"
import { emitOptions } from "./emit-options.js"
import {
  assertInPlaceWritable,
  loadTarget,
  resolveTarget,
  writeResult,
  type ResolvedTarget,
} from "../target.js"

export async function runEncrypt(file: string | undefined, flags: SealFlags, io: CliIO): Promise<void> {
  const resolved = resolveTarget(file, flags, true)
  const large = await openLarge(resolved, flags, io)
  try {
    const loaded = large === null ? await loadTarget(file, flags, io, true) : null
    const creation = await resolveCreationRule(flags, io, resolved.name)
    if (large !== null && !resolved.fromStdin && (await encryptLarge(resolved, large, creation, flags, io)))
      return
    const target = loaded ?? (await loadTarget(file, flags, io, true))
    const req = request(target, target.input, creation, flags, io)
    const deps = sealDeps(io)
    // A large file's sealed text is written piece by piece as it is made.
    const sealed =
      (await encryptBinaryPieces(req, deps)) ??
      (await encryptStreamed(req, deps)) ??
      (await encryptDocument(req, deps))
    await writeResult(target, flags, sealed, io, false)
  } finally {
    large?.close()
  }
}

type Creation = Awaited<ReturnType<typeof resolveCreationRule>>

const sealDeps = (io: CliIO): SealDeps => ({
  now: () => io.now(),
  randomBytes: (n: number) => io.randomBytes(n),
})

function request<I extends PiecesRequest["input"]>(
  target: Pick<ResolvedTarget, "name" | "inputFormat" | "outputFormat">,
  input: I,
  creation: Creation,
  flags: SealFlags,
  io: CliIO,
): PiecesRequest & { readonly input: I } {
  return {
    input,
    source: target.name,
    inputFormat: target.inputFormat,
    outputFormat: target.outputFormat,
    keyGroups: backendsFor(creation.keyGroups, io, flags),
    shamirThreshold: creation.shamirThreshold,
    rule: creation.rule,
    macOnlyEncrypted: creation.macOnlyEncrypted,
    emit: emitOptions(flags, creation.stores, target.outputFormat),
    call: callOptions(io, flags),
  }
}

/**
 * A large binary, JSON or YAML file to be read in pieces, never whole (the one-pass sealers read
 * it twice); null where the whole-file path applies or reports the error in its words.
 */
async function openLarge(t: ResolvedTarget, flags: SealFlags, io: CliIO): Promise<FileSource | null> {
  if (t.fromStdin || t.file === "/dev/stdin" || t.inputFormat !== t.outputFormat) return null
  if (t.inputFormat !== "binary" && t.inputFormat !== "json" && t.inputFormat !== "yaml") return null
  if (flags.inPlace === true && flags.output !== undefined) return null
  if (!io.exists(t.file)) return null
  if (flags.inPlace === true) await assertInPlaceWritable(t.file, io)
  // Binary files go in pieces from 1 MiB, YAML and JSON from 256 KiB (SEAL_STREAM_MIN_BYTES).
  const file = openFileSource(t.file, t.inputFormat === "binary" ? STREAM_MIN_BYTES : SEAL_STREAM_MIN_BYTES)
  if (file === null) return null
  await io.removeStaleTemps(t.file).catch(() => undefined)
  // Measured on the bench's files: JSON 10 MB 101 -> 73 MB, binary 100 MB 70 -> 63 MB, but the
  // 54 MB YAML 96 -> 115 MB (cause not pinned down; a full collection forced between the passes,
  // which would free the checking pass's duplicate-key tables, did not lower it), so a YAML file
  // keeps V8's default young generation.
  if (t.inputFormat !== "yaml") io.boundYoungGeneration?.()
  return file
}

/** Seals a large file read in pieces; false when the one-pass sealers refuse it (nothing written). */
async function encryptLarge(
  target: ResolvedTarget & { readonly fromStdin: false },
  file: FileSource,
  creation: Creation,
  flags: SealFlags,
  io: CliIO,
): Promise<boolean> {
  const req = request(target, file.source, creation, flags, io)
  const deps = sealDeps(io)
  const sealed = (await encryptBinaryPieces(req, deps)) ?? (await encryptStreamed(req, deps))
  if (sealed === null) return false
  const produce: PieceProducer = (write) => {
    if (typeof sealed === "function") sealed(write)
    else for (const piece of sealed) write(piece)
    // Read twice, so a file written to meanwhile may have given the two passes different bytes.
    if (file.stamp() !== file.opened) {
      throw new BridgeError(ErrorCode.ReadInput, `${target.file}: the file changed while it was sealed`, {
        hint: "seal it again once nothing is writing to it",
      })
    }
  }
  await writeResult(target, flags, produce, io, false)
  return true
}
