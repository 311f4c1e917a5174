import { BridgeError, ErrorCode, type EmitOptions } from "../../src/index.js"
import type { SealFlags } from "../options.js"

export function emitOptions(flags: SealFlags): EmitOptions {
  if (flags.indent === undefined) return {}
  const indent = Number(flags.indent)
  if (!Number.isInteger(indent) || indent < 0 || indent > 16) {
    throw new BridgeError(ErrorCode.Usage, "--indent: must be a whole number from 0 to 16")
  }
  return indent === 0 ? {} : { indent }
}
