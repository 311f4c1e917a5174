import { fileStatus, formatForPath, parseFormatName } from "../../src/index.js"
import type { CliIO } from "../io.js"
import { loadTarget } from "../target.js"

export async function runFileStatus(
  file: string | undefined,
  flags: { inputType?: string },
  io: CliIO,
): Promise<void> {
  const target = await loadTarget(file, {}, io, false)
  const format = flags.inputType !== undefined ? parseFormatName(flags.inputType) : formatForPath(target.name)
  io.writeOut(JSON.stringify(fileStatus(target.input, target.name, format)) + "\n")
}
