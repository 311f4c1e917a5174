import { BridgeError, ErrorCode } from "../errors.js"
import type { Branch, Scalar } from "../tree/node.js"
import { scalarText } from "../tree/scalar-text.js"
import { formatSopsFloat } from "../util/go-float-g.js"
import { reformatRfc3339 } from "../util/rfc3339.js"

/**
 * The environment `exec-env` gives its command, as sops builds it: every top-level key of the
 * first document becomes a variable; comments are skipped; lists and maps are refused, as are
 * keys holding "=". Non-string values take sops' `ValToString` text (floats `1.5`, `5.0`,
 * `1.234567E+06`; booleans `true`; null `<nil>`; timestamps RFC 3339 without fraction).
 * @throws BridgeError USAGE naming the offending key (never its value)
 */
export function envFromBranch(branch: Branch | undefined, source: string): Map<string, string> {
  const env = new Map<string, string>()
  for (const item of branch?.items ?? []) {
    if (item.kind === "comment") continue
    if (item.value.kind !== "scalar") {
      throw new BridgeError(
        ErrorCode.Usage,
        `${source}: cannot use complex value in environment; offending key ${item.key}`,
        { hint: "exec-env takes only top-level scalar values; use exec-file for nested data" },
      )
    }
    if (item.key.includes("=")) {
      throw new BridgeError(
        ErrorCode.Usage,
        `${source}: cannot use keys with '=' in environment: ${item.key}`,
      )
    }
    env.set(item.key, envText(item.value.value))
  }
  return env
}

// Only where sops' ValToString differs from the flat formats' text (floats, timestamps, null).
function envText(v: Scalar): string {
  switch (v.kind) {
    case "float":
      return formatSopsFloat(v.value)
    case "time":
      return reformatRfc3339(v.value) ?? v.value
    case "null":
      return "<nil>"
    default:
      return scalarText(v)
  }
}
