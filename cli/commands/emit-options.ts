import {
  BridgeError,
  ErrorCode,
  type EmitOptions,
  type FormatName,
  type StoreSettings,
} from "../../src/index.js"
import type { SealFlags } from "../options.js"

/** `--indent` wins; otherwise `.sops.yaml` `stores.<format>.indent`; otherwise the format's default. */
export function emitOptions(flags: SealFlags, stores: StoreSettings = {}, format?: FormatName): EmitOptions {
  if (flags.indent === undefined) {
    const fromConfig =
      format === "yaml"
        ? stores.yamlIndent
        : format === "json"
          ? stores.jsonIndent
          : format === "binary"
            ? stores.jsonBinaryIndent
            : undefined
    return fromConfig === undefined || fromConfig === 0 ? {} : { indent: fromConfig }
  }
  const indent = Number(flags.indent)
  if (!Number.isInteger(indent) || indent < 0 || indent > 16) {
    throw new BridgeError(ErrorCode.Usage, "--indent: must be a whole number from 0 to 16")
  }
  return indent === 0 ? {} : { indent }
}
