import { BridgeError, ErrorCode } from "../../src/index.js"
import type { CliIO } from "../io.js"
import { forEachFile, sealedFilesUnder } from "./repo-run.js"
import { runRotate, type RotateFlags } from "./rotate.js"
import { loadRepoConfig, repoDir } from "./updatekeys.js"

export interface RotateTreeFlags extends RotateFlags {
  recursive?: string | boolean
  dryRun?: boolean
}

/**
 * `rotate --recursive [DIR]`: a new data key, in place, for every sealed file under DIR (default:
 * the directory of .sops.yaml) whose path a creation rule covers; `--add-age`/`--rm-age` apply to
 * each. Keeps going past a failing file and ends with one summary (exit 1). `--dry-run` lists
 * the files and changes nothing.
 */
export async function runRotateTree(flags: RotateTreeFlags, io: CliIO): Promise<void> {
  if (flags.output !== undefined) {
    throw new BridgeError(
      ErrorCode.Conflict,
      "--output cannot be used with --recursive (files are rotated in place)",
    )
  }
  const config = await loadRepoConfig(flags, io)
  const files = await sealedFilesUnder(repoDir(flags.recursive ?? true, config, io), config, io)
  if (files.length === 0) return io.writeErr("sealbridge: no sealed files matched a creation rule\n")
  if (flags.dryRun === true) {
    for (const f of files) io.writeOut(`would rotate ${f}\n`)
    return
  }
  await forEachFile(files, io, "rotating", async (file) => {
    await runRotate(file, { ...flags, inPlace: true }, io)
    io.writeErr(`rotated ${file}\n`)
  })
}
