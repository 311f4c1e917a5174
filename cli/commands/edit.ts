import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { BridgeError, ErrorCode, formats, resealDocument, type Branch } from "../../src/index.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import type { SealFlags } from "../options.js"
import { loadTarget } from "../target.js"
import { runEditNew } from "./edit-new.js"

/**
 * `edit FILE`: the plaintext goes to a 0600 file in a private temp directory, the editor runs,
 * and the result is sealed again with the same data key (unchanged values keep their
 * ciphertext). The plaintext file is removed whatever happens. Unchanged → exit 200, as sops.
 */
export async function runEdit(file: string, flags: SealFlags, io: CliIO): Promise<void> {
  if (!io.exists(file) && file !== "-" && file !== "/dev/stdin") {
    return runEditNew(file, flags, io, editorCommand(io))
  }
  const target = await loadTarget(file, { ...flags, inPlace: false }, io, false)
  if (target.path === null) throw new BridgeError(ErrorCode.Conflict, "edit needs a file, not stdin")
  const format = formats[target.inputFormat]
  const editor = editorCommand(io)
  let unchanged = false
  const out = await resealDocument(
    { input: target.input, source: target.name, format: target.inputFormat, openers: openersFor(io) },
    async (branches) => {
      const dir = await mkdtemp(join(tmpdir(), "sealbridge-edit-"))
      const tmp = join(dir, basename(target.name))
      try {
        const before = format.emit(branches)
        await writeFile(tmp, before, { mode: 0o600 })
        const status = await io.runEditor(editor, tmp)
        if (status !== 0)
          throw new BridgeError(
            ErrorCode.Usage,
            `editor ${editor} exited with status ${status}; file left unchanged`,
          )
        const after = new Uint8Array(await readFile(tmp))
        if (Buffer.from(after).equals(Buffer.from(before))) {
          unchanged = true
          return null
        }
        const edited: Branch[] = format.parse(after, target.name)
        if (format.hasMetadata(edited)) {
          throw new BridgeError(
            ErrorCode.AlreadySealed,
            `${target.name}: the edited file has a top-level sops entry; rename it`,
          )
        }
        return edited
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  if (unchanged || out === null) {
    throw new BridgeError(ErrorCode.NotModified, `${target.name}: file has not changed, exiting`)
  }
  const mode = (await io.modeOf(target.path)) ?? 0o600
  await io.writeFileAtomic(target.path, out, mode)
}

function editorCommand(io: CliIO): string {
  const chosen = io.env["SOPS_EDITOR"] ?? io.env["EDITOR"]
  if (chosen !== undefined && chosen.trim() !== "") return chosen
  for (const candidate of ["vim", "nano", "vi"]) {
    if ((io.env["PATH"] ?? "").split(":").some((d) => d !== "" && io.exists(join(d, candidate))))
      return candidate
  }
  throw new BridgeError(ErrorCode.NoEditor, "no editor found: set SOPS_EDITOR or EDITOR")
}
