import { BridgeError, ErrorCode } from "../errors.js"
import { binaryFormat } from "./binary.js"
import { dotenvFormat } from "./dotenv.js"
import type { Format, FormatName } from "./format.js"
import { iniFormat } from "./ini.js"
import { jsonFormat } from "./json.js"
import { yamlFormat } from "./yaml.js"

export const formats = {
  yaml: yamlFormat,
  json: jsonFormat,
  dotenv: dotenvFormat,
  ini: iniFormat,
  binary: binaryFormat,
} as const satisfies Record<FormatName, Format>

/** The format sops picks from a file name: by extension, anything unknown is binary. */
export function formatForPath(path: string): FormatName {
  const lower = path.toLowerCase()
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml"
  if (lower.endsWith(".json")) return "json"
  if (lower.endsWith(".env")) return "dotenv"
  if (lower.endsWith(".ini")) return "ini"
  return "binary"
}

/** `--input-type` / `--output-type` values. @throws BridgeError USAGE */
export function parseFormatName(name: string): FormatName {
  if (name === "yaml" || name === "json" || name === "dotenv" || name === "ini" || name === "binary")
    return name
  throw new BridgeError(ErrorCode.Usage, `unknown file type ${JSON.stringify(name)}`, {
    hint: "use one of yaml, json, dotenv, ini, binary",
  })
}
