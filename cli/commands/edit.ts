import { randomBytes } from "node:crypto"
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import {
  BridgeError,
  editDirName,
  ErrorCode,
  formats,
  parseEditDirName,
  resealDocument,
  type Branch,
  type Format,
} from "../../src/index.js"
import { track, whileEditorRuns } from "../cleanup.js"
import type { CliIO } from "../io.js"
import { openersFor } from "../key-backends.js"
import type { SealFlags } from "../options.js"
import { runEditNew } from "./edit-new.js"
import { isAlive } from "../safe-write.js"
import { assertInPlaceWritable, loadTarget, writeError } from "../target.js"

const PRESS_ENTER = "Press enter to return to the editor, or Ctrl+C to exit."

/**
 * `edit FILE`: the plaintext goes to a 0600 file in a private 0700 directory
 * (`sealbridge-edit-<pid>-<hex>` in the temp dir), the editor runs, and the result is sealed again
 * with the same data key (unchanged values keep their ciphertext). As sops: unchanged → exit 200;
 * an edit that does not parse reopens the editor after Enter, so no work is lost. The directory is
 * removed on every exit path and on SIGINT/SIGTERM/SIGHUP; one left by a killed run is removed by
 * the next `edit`.
 */
export async function runEdit(file: string, flags: SealFlags, io: CliIO): Promise<void> {
  if (!io.exists(file) && file !== "-" && file !== "/dev/stdin") {
    return runEditNew(file, flags, io, editorCommand(io))
  }
  const target = await loadTarget(file, { ...flags, inPlace: false }, io, false)
  if (target.path === null) throw new BridgeError(ErrorCode.Conflict, "edit needs a file, not stdin")
  await assertInPlaceWritable(target.path, io)
  const format = formats[target.inputFormat]
  const editor = editorCommand(io)
  await removeStaleEditDirs()
  let unchanged = false
  const out = await resealDocument(
    { input: target.input, source: target.name, format: target.inputFormat, openers: openersFor(io) },
    async (branches) => {
      const dir = join(tmpdir(), editDirName(process.pid, randomBytes(6).toString("hex")))
      const untrack = track(dir)
      try {
        await mkdir(dir, { mode: 0o700 })
        const tmp = join(dir, basename(target.name))
        const before = format.emit(branches)
        await writeFile(tmp, before, { mode: 0o600, flag: "wx" })
        const edited = await editUntilValid(io, editor, tmp, before, format, target.name)
        if (edited === null) unchanged = true
        return edited
      } finally {
        await rm(dir, { recursive: true, force: true })
        untrack()
      }
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  if (unchanged || out === null) {
    throw new BridgeError(ErrorCode.NotModified, `${target.name}: file has not changed, exiting`)
  }
  const mode = (await io.modeOf(target.path)) ?? 0o600
  try {
    await io.writeFileAtomic(target.path, out, mode)
  } catch (err) {
    throw writeError(target.path, err)
  }
}

/** Runs the editor until its result parses (sops' runEditorUntilOk); null when unchanged. */
async function editUntilValid(
  io: CliIO,
  editor: string,
  tmp: string,
  before: Uint8Array,
  format: Format,
  name: string,
): Promise<Branch[] | null> {
  for (;;) {
    const status = await whileEditorRuns(() => io.runEditor(editor, tmp))
    if (status !== 0) {
      // sops: "Could not run editor" with exit 201 for any editor failure.
      throw new BridgeError(ErrorCode.NoEditor, `could not run editor: it exited with status ${status}`, {
        hint: "the file was left unchanged; check SOPS_EDITOR/EDITOR",
      })
    }
    const after = new Uint8Array(await readFile(tmp))
    if (Buffer.from(after).equals(Buffer.from(before))) return null
    let problem: BridgeError
    try {
      const edited = format.parse(after, name)
      if (!format.hasMetadata(edited)) return edited
      problem = new BridgeError(
        ErrorCode.AlreadySealed,
        `${name}: the edited file has a top-level sops entry; rename it`,
      )
    } catch (err) {
      if (!(err instanceof BridgeError)) throw err
      problem = err
    }
    io.writeErr(`sealbridge: ${problem.message}\n${PRESS_ENTER}\n`)
    if (!(await io.waitForEnter())) throw problem
  }
}

/** Removes `edit` directories of sealbridge runs that were killed (their pid is gone). */
async function removeStaleEditDirs(): Promise<void> {
  let names: string[]
  try {
    names = await readdir(tmpdir())
  } catch {
    return
  }
  for (const name of names) {
    const pid = parseEditDirName(name)
    if (pid === null || isAlive(pid)) continue
    await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined)
  }
}

function editorCommand(io: CliIO): string {
  const chosen = io.env["SOPS_EDITOR"] ?? io.env["EDITOR"]
  if (chosen !== undefined && chosen.trim() !== "") return chosen
  for (const candidate of ["vim", "nano", "vi"]) {
    if ((io.env["PATH"] ?? "").split(":").some((d) => d !== "" && io.exists(join(d, candidate))))
      return candidate
  }
  throw new BridgeError(ErrorCode.NoEditor, "no editor found: set SOPS_EDITOR or EDITOR", {
    hint: "e.g. SOPS_EDITOR=nano sealbridge edit secrets.yaml",
  })
}
