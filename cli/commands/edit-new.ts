import { randomBytes } from "node:crypto"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import {
  BridgeError,
  EDIT_EXAMPLES,
  editDirName,
  encryptDocument,
  ErrorCode,
  formatForPath,
  parseFormatName,
} from "../../src/index.js"
import { track, whileEditorRuns } from "../cleanup.js"
import { resolveCreationRule } from "../creation.js"
import type { CliIO } from "../io.js"
import { backendsFor } from "../key-backends.js"
import type { SealFlags } from "../options.js"
import { emitOptions } from "./emit-options.js"

/**
 * `edit FILE` where FILE does not exist yet, as sops does it: the keys come from the flags or
 * the matching creation rule (checked before the editor opens), the editor starts on sops'
 * example for the format, and the file is created sealed only when the text was changed
 * (unchanged: exit 200 and no file). The plaintext lives in a 0600 file in a private temp
 * directory that is removed whatever happens.
 */
export async function runEditNew(file: string, flags: SealFlags, io: CliIO, editor: string): Promise<void> {
  const format = flags.inputType !== undefined ? parseFormatName(flags.inputType) : formatForPath(file)
  const creation = await resolveCreationRule(flags, io, file)
  const keyGroups = backendsFor(creation.keyGroups, io, flags)
  const example = new TextEncoder().encode(EDIT_EXAMPLES[format])
  // Named and tracked as in edit.ts: removed on signals, and by the next edit after a SIGKILL.
  const dir = join(tmpdir(), editDirName(process.pid, randomBytes(6).toString("hex")))
  const untrack = track(dir)
  let edited: Uint8Array
  try {
    await mkdir(dir, { mode: 0o700 })
    const tmp = join(dir, basename(file))
    await writeFile(tmp, example, { mode: 0o600 })
    const status = await whileEditorRuns(() => io.runEditor(editor, tmp))
    if (status !== 0)
      throw new BridgeError(ErrorCode.Usage, `editor ${editor} exited with status ${status}; no file written`)
    edited = new Uint8Array(await readFile(tmp))
  } finally {
    await rm(dir, { recursive: true, force: true })
    untrack()
  }
  if (Buffer.from(edited).equals(Buffer.from(example))) {
    throw new BridgeError(ErrorCode.NotModified, `${file}: file has not changed, exiting`)
  }
  const sealed = await encryptDocument(
    {
      input: edited,
      source: file,
      inputFormat: format,
      outputFormat: flags.outputType !== undefined ? parseFormatName(flags.outputType) : format,
      keyGroups,
      shamirThreshold: creation.shamirThreshold,
      rule: creation.rule,
      macOnlyEncrypted: creation.macOnlyEncrypted,
      emit: emitOptions(flags, creation.stores, format),
    },
    { now: () => io.now(), randomBytes: (n) => io.randomBytes(n) },
  )
  edited.fill(0)
  try {
    // Never over a file that appeared while the editor ran.
    if (io.exists(file)) throw new Error("the file appeared while editing")
    await io.writeFileAtomic(file, sealed, 0o644)
  } catch (err) {
    throw new BridgeError(ErrorCode.WriteOutput, `${file}: cannot write the new sealed file`, { cause: err })
  }
}
