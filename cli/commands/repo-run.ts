import path from "node:path"
import {
  BridgeError,
  ErrorCode,
  fileStatus,
  formatForPath,
  matchCreationRule,
  safeMessage,
  type SopsConfig,
} from "../../src/index.js"
import type { CliIO } from "../io.js"
import { listFiles } from "../walk.js"

/**
 * The sealed files of a tree that a creation rule of `config` covers: the set `updatekeys -r`
 * and `rotate -r` work on (sops users script it with find | xargs). Unsealed files are skipped.
 */
export async function sealedFilesUnder(dir: string, config: SopsConfig, io: CliIO): Promise<string[]> {
  const picked: string[] = []
  for (const file of await listFiles(dir)) {
    if (path.resolve(file) === path.resolve(config.path)) continue
    try {
      if (matchCreationRule(config, file, path) === null) continue
    } catch {
      continue // no rule matches this path
    }
    const input = await io.readFile(file).catch(() => null)
    if (input === null) continue
    try {
      if (fileStatus(input, file, formatForPath(file)).encrypted) picked.push(file)
    } catch {
      // not parseable in its extension's format: not a sealed file
    }
  }
  return picked
}

/**
 * Runs `each` over every file, keeps going after a failure, and ends with one summary of the
 * files that failed (exit 1), as sops' multi-file updatekeys does.
 */
export async function forEachFile(
  files: readonly string[],
  io: CliIO,
  verb: string,
  each: (file: string) => Promise<void>,
): Promise<void> {
  const failed: string[] = []
  for (const file of files) {
    try {
      await each(file)
    } catch (err) {
      const message = err instanceof BridgeError ? err.message : safeMessage(err)
      failed.push(`  ${file}: ${message.split("\n")[0] ?? ""}`)
    }
  }
  if (failed.length > 0) {
    throw new BridgeError(
      ErrorCode.Usage,
      `failed ${verb} ${failed.length} of ${files.length} file(s):\n${failed.join("\n")}`,
      { hint: "run the command on one of these files alone to see the full error" },
    )
  }
}
